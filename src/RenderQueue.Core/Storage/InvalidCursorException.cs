using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>A list cursor that this store did not issue.</summary>
public sealed class InvalidCursorException(string cursor)
    : JobStoreException($"The cursor '{cursor}' is not valid; use the next_cursor of a previous page.")
{
    public string Cursor { get; } = cursor;
}
