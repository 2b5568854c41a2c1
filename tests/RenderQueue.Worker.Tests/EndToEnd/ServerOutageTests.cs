using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

public sealed class ServerOutageTests
{
    [Fact]
    public async Task A_worker_started_before_the_server_keeps_trying_and_registers_once_it_is_up()
    {
        var port = FreePort.Next();
        await using var worker = await WorkerHost.StartUnregisteredAsync(new Uri($"http://127.0.0.1:{port}/"), "--types", "simulated");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(worker.Agent.Registered.IsCompleted);

        using var server = new ServerApp(port: port);
        await worker.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(10));
        var client = server.NewClient();
        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 0.2, "steps": 2}"""));

        Jobs.AssertState(JobState.Succeeded, await client.WaitForFinishedAsync(submitted.Id));
    }
}
