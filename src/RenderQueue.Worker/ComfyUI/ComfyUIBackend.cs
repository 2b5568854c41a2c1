namespace RenderQueue.Worker.ComfyUI;

/// <summary>One ComfyUI instance: its HTTP routes and its long-lived socket.</summary>
internal sealed class ComfyUIBackend(Uri url, ComfyUIHttp http, ComfyUIConnection connection) : IAsyncDisposable
{
    public Uri Url { get; } = url;
    public ComfyUIHttp Http { get; } = http;
    public ComfyUIConnection Connection { get; } = connection;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
