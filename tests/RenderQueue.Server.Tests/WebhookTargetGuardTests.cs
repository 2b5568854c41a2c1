using System.Net;
using RenderQueue.Server.Webhooks;

namespace RenderQueue.Server.Tests;

/// <summary>The SSRF guard's decisions, with a DNS that answers what each case needs.</summary>
public sealed class WebhookTargetGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.100.100.200", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fd00::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    public void Internal_addresses_are_refused(string address, string what) =>
        Assert.Contains(what, WebhookTargetGuard.WhyRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(WebhookTargetGuard.WhyRefused(IPAddress.Parse(address)));

    [Fact]
    public async Task Each_connection_checks_what_dns_answers_then_so_rebinding_is_refused()
    {
        var answers = new Queue<IPAddress[]>([[IPAddress.Parse("93.184.215.14")], [IPAddress.Loopback]]);
        var guard = new WebhookTargetGuard([], (_, _) => Task.FromResult(answers.Dequeue()));

        Assert.Equal([IPAddress.Parse("93.184.215.14")], await guard.ResolveCheckedAsync("rebind.example", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => guard.ResolveCheckedAsync("rebind.example", CancellationToken.None));
        Assert.Contains("rebind.example resolves to 127.0.0.1, a loopback address", refused.Message);
    }

    [Fact]
    public async Task One_internal_answer_among_public_ones_is_refused()
    {
        var guard = new WebhookTargetGuard([], (_, _) => Task.FromResult(new[] { IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.1") }));

        await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => guard.ResolveCheckedAsync("mixed.example", CancellationToken.None));
    }

    [Fact]
    public async Task Allowed_hosts_let_through_exactly_the_names_addresses_and_networks_listed()
    {
        var guard = new WebhookTargetGuard(["10.1.0.0/16", "127.0.0.1", "hooks.internal"], (host, _) => Task.FromResult(host switch
        {
            "hooks.internal" => new[] { IPAddress.Parse("192.168.7.7") },
            "in-range.internal" => [IPAddress.Parse("10.1.200.3")],
            _ => [IPAddress.Parse("10.2.0.1")],
        }));

        await guard.ResolveCheckedAsync("hooks.internal", CancellationToken.None);
        await guard.ResolveCheckedAsync("in-range.internal", CancellationToken.None);
        await guard.ResolveCheckedAsync("127.0.0.1", CancellationToken.None);
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => guard.ResolveCheckedAsync("127.0.0.2", CancellationToken.None));
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => guard.ResolveCheckedAsync("elsewhere.internal", CancellationToken.None));
        Assert.Null(guard.WhyRefused("http://hooks.internal/x"));
        Assert.Null(guard.WhyRefused("http://127.0.0.1:9/x"));
        Assert.NotNull(guard.WhyRefused("http://127.0.0.2:9/x"));
    }

    [Fact]
    public void Urls_are_checked_when_given()
    {
        var guard = new WebhookTargetGuard([], (_, _) => Task.FromResult(Array.Empty<IPAddress>()));

        Assert.Null(guard.WhyRefused("https://hooks.example.com/render?token=1"));
        Assert.Contains("this machine", guard.WhyRefused("http://LOCALHOST:8000/"));
        Assert.Contains("this machine", guard.WhyRefused("http://app.localhost/"));
        Assert.Contains("user name or password", guard.WhyRefused("https://a:b@hooks.example.com/"));
        Assert.Contains("http or https", guard.WhyRefused("file:///etc/passwd"));
        Assert.Contains("link-local", guard.WhyRefused("http://169.254.169.254/latest/meta-data/"));
        Assert.Contains("loopback", guard.WhyRefused("http://2130706433/")); // 127.0.0.1 written as one number
    }
}
