// Command etcd is the etcd server at the version Kubernetes pins, so the
// control plane does not depend on Debian's older etcd 3.4.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
