package engine

// clusterMember is this process's membership of a cluster job.
type clusterMember struct{}
