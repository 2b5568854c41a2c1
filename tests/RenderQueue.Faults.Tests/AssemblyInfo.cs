// One fault bed at a time: each case runs a server, several workers and maybe a redis-server on a 2-core machine,
// and measures recovery times that a second bed beside it would only blur. Signals need a POSIX system.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
