using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RenderQueue.Server.Auth;

/// <summary>
/// A random admin credential that exists only in this process's memory, for parts of the server that call its own
/// API over HTTP (demo mode's worker). It is never stored, logged or shown, and dies with the process.
/// </summary>
internal sealed class ProcessCredential
{
    public string Key { get; } = "rq_process_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Key));
}
