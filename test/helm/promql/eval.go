package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
)

// evalRequest asks for each expression's instant value at AtMs over the
// samples of a few /metrics scrapes, each taken to be scraped at its own AtMs
// with Labels added (what a scrape config adds, such as job).
type evalRequest struct {
	Exprs   []string          `json:"exprs"`
	AtMs    int64             `json:"atMs"`
	Labels  map[string]string `json:"labels"`
	Scrapes []struct {
		AtMs int64  `json:"atMs"`
		Text string `json:"text"`
	} `json:"scrapes"`
}

type evalSeries struct {
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

type evalResult struct {
	Expr   string       `json:"expr"`
	Error  string       `json:"error,omitempty"`
	Series []evalSeries `json:"series"`
}

// sample is one float sample (the operator exports no native histograms).
type sample struct {
	t int64
	f float64
}

func (s sample) T() int64                      { return s.t }
func (s sample) ST() int64                     { return 0 }
func (s sample) F() float64                    { return s.f }
func (s sample) H() *histogram.Histogram       { return nil }
func (s sample) FH() *histogram.FloatHistogram { return nil }
func (s sample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s sample) Copy() chunks.Sample           { return s }

type memSeries struct {
	lset    labels.Labels
	samples []chunks.Sample
}

// memStorage is a read-only in-memory storage.Queryable over parsed scrapes.
type memStorage struct{ series []*memSeries }

func (m *memStorage) Querier(_, _ int64) (storage.Querier, error) { return m, nil }

func (m *memStorage) Select(_ context.Context, _ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	var out []storage.Series
	for _, s := range m.series {
		ok := true
		for _, matcher := range ms {
			if !matcher.Matches(s.lset.Get(matcher.Name)) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, storage.NewListSeries(s.lset, s.samples))
		}
	}
	sort.Slice(out, func(i, j int) bool { return labels.Compare(out[i].Labels(), out[j].Labels()) < 0 })
	return &listSet{series: out, i: -1}
}

func (m *memStorage) LabelValues(context.Context, string, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (m *memStorage) LabelNames(context.Context, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (m *memStorage) Close() error { return nil }

type listSet struct {
	series []storage.Series
	i      int
}

func (l *listSet) Next() bool                        { l.i++; return l.i < len(l.series) }
func (l *listSet) At() storage.Series                { return l.series[l.i] }
func (l *listSet) Err() error                        { return nil }
func (l *listSet) Warnings() annotations.Annotations { return nil }

// load parses text expositions (sample lines `series value`, comments skipped).
// A series a scrape no longer shows gets a staleness marker at that scrape,
// as Prometheus's scrape loop writes one, so it ends there instead of
// lingering for the lookback window.
func load(req evalRequest) (*memStorage, error) {
	p := parser.NewParser(parser.Options{})
	byKey := map[string]*memSeries{}
	var keys []string
	scrapes := req.Scrapes
	sort.SliceStable(scrapes, func(i, j int) bool { return scrapes[i].AtMs < scrapes[j].AtMs })
	live := map[string]bool{}
	for _, scrape := range scrapes {
		seen := map[string]bool{}
		for _, line := range strings.Split(scrape.Text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cut := strings.LastIndexByte(line, ' ')
			if cut < 0 {
				return nil, fmt.Errorf("not an exposition line: %q", line)
			}
			lset, err := p.ParseMetric(line[:cut])
			if err != nil {
				return nil, fmt.Errorf("%q: %w", line, err)
			}
			v, err := strconv.ParseFloat(line[cut+1:], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", line, err)
			}
			b := labels.NewBuilder(lset)
			for k, val := range req.Labels {
				b.Set(k, val)
			}
			lset = b.Labels()
			key := lset.String()
			s, ok := byKey[key]
			if !ok {
				s = &memSeries{lset: lset}
				byKey[key] = s
				keys = append(keys, key)
			}
			s.samples = append(s.samples, sample{t: scrape.AtMs, f: v})
			seen[key] = true
		}
		for key := range live {
			if !seen[key] {
				byKey[key].samples = append(byKey[key].samples, sample{t: scrape.AtMs, f: math.Float64frombits(value.StaleNaN)})
			}
		}
		live = seen
	}
	m := &memStorage{}
	for _, k := range keys {
		s := byKey[k]
		sort.Slice(s.samples, func(i, j int) bool { return s.samples[i].T() < s.samples[j].T() })
		m.series = append(m.series, s)
	}
	return m, nil
}

func evaluate(req evalRequest) ([]evalResult, error) {
	store, err := load(req)
	if err != nil {
		return nil, err
	}
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 1_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	at := time.UnixMilli(req.AtMs)
	out := make([]evalResult, 0, len(req.Exprs))
	for _, e := range req.Exprs {
		r := evalResult{Expr: e, Series: []evalSeries{}}
		q, err := engine.NewInstantQuery(context.Background(), store, nil, e, at)
		if err != nil {
			r.Error = err.Error()
			out = append(out, r)
			continue
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			r.Error = res.Err.Error()
		} else if vec, err := res.Vector(); err != nil {
			r.Error = err.Error()
		} else {
			for _, s := range vec {
				m := map[string]string{}
				s.Metric.Range(func(l labels.Label) { m[l.Name] = l.Value })
				v := s.F
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
				r.Series = append(r.Series, evalSeries{Labels: m, Value: v})
			}
		}
		q.Close()
		out = append(out, r)
	}
	return out, nil
}
