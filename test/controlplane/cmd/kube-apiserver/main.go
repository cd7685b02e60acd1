// Command kube-apiserver is upstream's kube-apiserver, built from the module
// proxy so tests run against a real API server.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as upstream embeds them

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
