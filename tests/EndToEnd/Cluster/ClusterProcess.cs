// The cluster's processes (silos, gateways, redis-server) are TestSupport's ChildProcess, shared with tests/Silo.Tests;
// the cluster tests keep calling them by the name they were written with.
global using ClusterProcess = Chorus.TestSupport.ChildProcess;
