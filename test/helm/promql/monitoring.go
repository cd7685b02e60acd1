package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
)

// checkMonitoring strictly decodes ServiceMonitor and PrometheusRule objects
// (JSON) into the Prometheus Operator's own API types: an unknown or
// misspelt field, or a value of the wrong type, is an error. It stands in for
// a server-side dry run where the monitoring.coreos.com CRDs are not installed.
func checkMonitoring(objects []json.RawMessage) []string {
	problems := []string{}
	for i, raw := range objects {
		var head struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			problems = append(problems, fmt.Sprintf("object %d: %v", i, err))
			continue
		}
		var target any
		switch head.Kind {
		case "ServiceMonitor":
			target = &monitoringv1.ServiceMonitor{}
		case "PrometheusRule":
			target = &monitoringv1.PrometheusRule{}
		default:
			problems = append(problems, fmt.Sprintf("object %d: unexpected kind %q", i, head.Kind))
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(target); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", head.Kind, err))
		}
	}
	return problems
}
