using Microsoft.Playwright;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>
/// One headless Debian Chromium for the whole collection, driven by Playwright's bundled driver. Playwright never
/// downloads a browser here: a missing /usr/bin/chromium fails every test with what to install.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The dashboard tests need Debian's Chromium at {ExecutablePath}, which is missing. " +
                "Install it with 'apt-get install -y chromium' (./test.sh does this). No browser is ever downloaded.");
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// The dashboard test classes fall in two collections that run side by side, each sharing one Chromium among its
/// classes; within a collection classes run one after another. Most of a test's time is spent waiting on a worker or
/// a live update, not on the CPU, so two at a time fit two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PagesCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Dashboard pages and live updates";
}

/// <summary>The second collection: actions, filters, paging and outputs.</summary>
[CollectionDefinition(Name)]
public sealed class ActionsCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Dashboard actions, filters and paging";
}
