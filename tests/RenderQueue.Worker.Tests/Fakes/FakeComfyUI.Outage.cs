namespace RenderQueue.Worker.Tests.Fakes;

internal sealed partial class FakeComfyUI
{
    /// <summary>The process is gone: its port refuses connections.</summary>
    public bool IsDown { get; private set; }

    /// <summary>
    /// ComfyUI's process dies: the listener closes (connections are refused, as on a real machine), sockets drop, and
    /// the in-memory queue and history are gone, as after a crash.
    /// </summary>
    public async Task GoDownAsync()
    {
        if (IsDown) return;
        IsDown = true;
        Restart();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>ComfyUI is started again on the same port (a fresh process: empty queue and history).</summary>
    public async Task ComeBackAsync()
    {
        if (!IsDown) return;
        (_app, _) = await KestrelFake.StartAsync(app => MapAll(app, () => this), Url.Port);
        IsDown = false;
    }
}
