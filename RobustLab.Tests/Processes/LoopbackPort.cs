using System.Net;
using System.Net.Sockets;

namespace RobustLab.Tests.Processes;

/// <summary>Free TCP ports on 127.0.0.1, found by binding a listener to port 0 and letting the kernel choose.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port that was free a moment ago. Another process can still take it before the caller binds it, so callers that
    /// start servers retry with a fresh port when the start fails.
    /// </summary>
    public static int GetFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
