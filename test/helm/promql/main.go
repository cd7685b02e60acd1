// Command promql-check checks Prometheus rule expressions with Prometheus's
// own PromQL parser and engine, so the chart's alert rules are checked by the
// code Prometheus will run them with. Given a JSON array of expressions on
// stdin it writes, for each, the parse error or the metric names and label
// matchers its selectors use. Given `eval` as its argument and an evalRequest
// on stdin, it evaluates each expression over /metrics scrapes (eval.go).
// Given `monitoring` and a JSON array of ServiceMonitor and PrometheusRule
// objects, it lists what the Prometheus Operator's types refuse (monitoring.go).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type matcher struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type selector struct {
	Metric   string    `json:"metric"`
	Matchers []matcher `json:"matchers"`
}

type result struct {
	Expr      string     `json:"expr"`
	Error     string     `json:"error,omitempty"`
	Type      string     `json:"type,omitempty"`
	Selectors []selector `json:"selectors,omitempty"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "eval" {
		var req evalRequest
		if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
			fmt.Fprintf(os.Stderr, "promql-check eval: stdin must be an evalRequest: %v\n", err)
			os.Exit(2)
		}
		res, err := evaluate(req)
		if err != nil {
			fmt.Fprintf(os.Stderr, "promql-check eval: %v\n", err)
			os.Exit(1)
		}
		write(res)
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "monitoring" {
		var objects []json.RawMessage
		if err := json.NewDecoder(os.Stdin).Decode(&objects); err != nil {
			fmt.Fprintf(os.Stderr, "promql-check monitoring: stdin must be a JSON array of objects: %v\n", err)
			os.Exit(2)
		}
		write(checkMonitoring(objects))
		return
	}
	var exprs []string
	if err := json.NewDecoder(os.Stdin).Decode(&exprs); err != nil {
		fmt.Fprintf(os.Stderr, "promql-check: stdin must be a JSON array of strings: %v\n", err)
		os.Exit(2)
	}
	out := make([]result, 0, len(exprs))
	for _, e := range exprs {
		r := result{Expr: e}
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(e)
		if err != nil {
			r.Error = err.Error()
			out = append(out, r)
			continue
		}
		r.Type = string(expr.Type())
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			vs, ok := node.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			s := selector{Metric: vs.Name, Matchers: []matcher{}}
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName {
					if s.Metric == "" && m.Type == labels.MatchEqual {
						s.Metric = m.Value
					}
					continue
				}
				s.Matchers = append(s.Matchers, matcher{Name: m.Name, Type: m.Type.String(), Value: m.Value})
			}
			r.Selectors = append(r.Selectors, s)
			return nil
		})
		out = append(out, r)
	}
	write(out)
}

func write(v any) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		os.Exit(1)
	}
}
