// One cluster at a time: each test class runs several servers, a redis-server and an nginx on a 2-core machine, and
// measures latencies that a second cluster beside it would only blur.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
