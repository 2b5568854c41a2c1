namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>A runner whose backend has models (checkpoints) that jobs may require by name.</summary>
public interface IModelSource
{
    /// <summary>The names of the installed models; empty when the backend cannot be reached.</summary>
    Task<IReadOnlyList<string>> GetModelsAsync(CancellationToken cancellationToken);
}
