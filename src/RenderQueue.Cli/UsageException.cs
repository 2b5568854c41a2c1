namespace RenderQueue.Cli;

/// <summary>The command line asked for something that cannot be done as given; exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
