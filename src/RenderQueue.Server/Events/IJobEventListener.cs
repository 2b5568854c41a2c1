using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Events;

/// <summary>Something in the server that follows the change feed (the scheduler). Called in sequence
/// order from the <see cref="EventHub"/>'s pump; must be quick and must not throw.</summary>
internal interface IJobEventListener
{
    void OnEvent(JobEvent e);
}
