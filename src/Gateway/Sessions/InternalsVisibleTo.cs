using System.Runtime.CompilerServices;

// The session state machine is tested with fakes of its connections, which stay internal to the gateway.
[assembly: InternalsVisibleTo("Chorus.Gateway.Tests")]
