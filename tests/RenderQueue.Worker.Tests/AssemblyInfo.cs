// The suite drives real processes through /bin/sh scripts (command runner, fake nvidia-smi, worker kill -9).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
