using System.Collections.ObjectModel;
using System.Diagnostics;

namespace RenderQueue.Testing;

/// <summary>Spans as an in-memory exporter hands them over, from whichever thread ended them; read with <see cref="Snapshot"/>.</summary>
public sealed class SpanLog : Collection<Activity>
{
    public List<Activity> Snapshot()
    {
        lock (Items) return [.. Items];
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (Items) base.InsertItem(index, item);
    }
}
