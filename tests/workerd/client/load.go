package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadSummary is what `client load` reports.
type loadSummary struct {
	Handshakes  int            `json:"handshakes"`
	Failures    int            `json:"failures"`
	Concurrency int            `json:"concurrency"`
	Modes       []string       `json:"modes"`
	Seconds     float64        `json:"seconds"`
	PerSecond   float64        `json:"handshakesPerSecond"`
	Handshake   quantiles      `json:"handshakeMs"` // a whole handshake: every POST until established
	Request     quantiles      `json:"requestMs"`   // one POST (one round trip)
	ByMode      map[string]int `json:"byMode"`
	FirstErrors []string       `json:"firstErrors,omitempty"`
	StoppedBy   string         `json:"stoppedBy,omitempty"` // "time limit" when -max cut the run short
	// ClientCPUMs is the CPU this client used per handshake (0 where it is
	// not measured): on a machine it shares with the server, the server's
	// share of the cores is what is left.
	ClientCPUMs float64 `json:"clientCpuMsPerHandshake"`
}

type quantiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func quantilesOf(ds []time.Duration) quantiles {
	if len(ds) == 0 {
		return quantiles{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1 // nearest rank
		return ms(s[max(0, min(i, len(s)-1))])
	}
	return quantiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(s[len(s)-1])}
}

func cmdLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "", "the server, e.g. http://127.0.0.1:8787; several, comma-separated, share the clients in turn (one server per core: workerd runs JavaScript on one thread)")
	trust := fs.String("trust", "", "PEM file of the root to trust")
	n := fs.Int("n", 1000, "handshakes in all")
	c := fs.Int("c", 8, "concurrent clients")
	modes := fs.String("modes", "tls13,classic", "modes, taken in turn")
	maxDur := fs.Duration("max", 5*time.Minute, "stop after this long, whatever is left")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 || *c <= 0 {
		return errors.New("-n and -c must be positive")
	}
	ml := strings.Split(*modes, ",")
	var targets []*target
	for _, u := range strings.Split(*base, ",") {
		t, err := newTarget(u, *trust, *c)
		if err != nil {
			return err
		}
		targets = append(targets, t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *maxDur)
	defer cancel()

	var (
		next     atomic.Int64
		mu       sync.Mutex
		hs, reqs []time.Duration
		fails    int
		errs     []string
		byMode   = map[string]int{}
		wg       sync.WaitGroup
		timedOut atomic.Bool
	)
	start, cpu0 := time.Now(), cpuTime()
	for w := 0; w < *c; w++ {
		t := targets[w%len(targets)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) {
					return
				}
				if ctx.Err() != nil {
					timedOut.Store(true)
					return
				}
				mode := ml[int(i)%len(ml)]
				t0 := time.Now()
				err := func() error {
					cn, err := t.newConn(mode)
					if err != nil {
						return err
					}
					if err := cn.handshake(ctx); err != nil {
						return err
					}
					mu.Lock()
					reqs = append(reqs, cn.rtts...)
					mu.Unlock()
					return nil
				}()
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					if ctx.Err() != nil {
						timedOut.Store(true)
					} else {
						fails++
						if len(errs) < 5 {
							errs = append(errs, fmt.Sprintf("%s #%d: %v", mode, i, err))
						}
					}
				} else {
					hs = append(hs, d)
					byMode[mode]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(start), cpuTime()-cpu0
	for _, t := range targets {
		t.hc.CloseIdleConnections()
	}

	sum := loadSummary{Handshakes: len(hs), Failures: fails, Concurrency: *c, Modes: ml, Seconds: math.Round(wall.Seconds()*1000) / 1000,
		PerSecond: math.Round(float64(len(hs))/wall.Seconds()*10) / 10, Handshake: quantilesOf(hs), Request: quantilesOf(reqs),
		ByMode: byMode, FirstErrors: errs}
	if len(hs) > 0 {
		sum.ClientCPUMs = math.Round(ms(cpu)/float64(len(hs))*100) / 100
	}
	if timedOut.Load() {
		sum.StoppedBy = "time limit"
	}
	if *asJSON {
		b, _ := json.Marshal(sum)
		fmt.Println(string(b))
	} else {
		fmt.Printf("load: %d handshakes (%s) from %d concurrent clients in %.2f s: %.1f handshakes/s, %d failed\n",
			sum.Handshakes, fmtModes(byMode), *c, wall.Seconds(), sum.PerSecond, fails)
		fmt.Printf("load: handshake latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
			sum.Handshake.P50, sum.Handshake.P90, sum.Handshake.P99, sum.Handshake.Max)
		fmt.Printf("load: per request (one flight) p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)\n",
			sum.Request.P50, sum.Request.P90, sum.Request.P99, sum.Request.Max, len(reqs))
		fmt.Printf("load: the client used %.2f ms of CPU per handshake\n", sum.ClientCPUMs)
		for _, e := range errs {
			fmt.Println("load: error:", e)
		}
	}
	switch {
	case fails > 0:
		return fmt.Errorf("load: %d of %d handshakes failed", fails, fails+len(hs))
	case timedOut.Load():
		return fmt.Errorf("load: stopped by -max %s after %d of %d handshakes", *maxDur, len(hs), *n)
	}
	return nil
}

func fmtModes(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// cmdLatency measures sequential round trips, one at a time.
func cmdLatency(args []string) error {
	fs := flag.NewFlagSet("latency", flag.ContinueOnError)
	base := fs.String("url", "", "the server, e.g. http://127.0.0.1:8787")
	trust := fs.String("trust", "", "PEM file of the root to trust")
	n := fs.Int("n", 100, "requests of each kind")
	baseline := fs.String("baseline", "", "optional: a URL on the same runtime that answers without Go (the HTTP and runtime floor)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := newTarget(*base, *trust, 1)
	if err != nil {
		return err
	}
	ctx := context.Background()
	out := map[string]quantiles{}
	timeGet := func(url string) ([]time.Duration, error) {
		var ds []time.Duration
		for i := 0; i < *n; i++ {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			t0 := time.Now()
			resp, err := t.hc.Do(req)
			if err != nil {
				return nil, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return nil, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
			}
			ds = append(ds, time.Since(t0))
		}
		return ds, nil
	}
	info, err := timeGet(t.base + pathInfo)
	if err != nil {
		return err
	}
	out["info"] = quantilesOf(info)
	if *baseline != "" {
		b, err := timeGet(*baseline)
		if err != nil {
			return err
		}
		out["baseline"] = quantilesOf(b)
	}
	for _, mode := range []string{"tls13", "classic"} {
		var flights []time.Duration
		var whole []time.Duration
		for i := 0; i < *n; i++ {
			cn, err := t.newConn(mode)
			if err != nil {
				return err
			}
			t0 := time.Now()
			if err := cn.handshake(ctx); err != nil {
				return fmt.Errorf("%s handshake: %w", mode, err)
			}
			whole = append(whole, time.Since(t0))
			flights = append(flights, cn.rtts...)
		}
		out[mode+" flight"] = quantilesOf(flights)
		out[mode+" handshake"] = quantilesOf(whole)
	}
	if *asJSON {
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
		return nil
	}
	keys := []string{"baseline", "info", "tls13 flight", "tls13 handshake", "classic flight", "classic handshake"}
	for _, k := range keys {
		q, ok := out[k]
		if !ok {
			continue
		}
		fmt.Printf("latency: %-18s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d sequential)\n", k, q.P50, q.P90, q.P99, q.Max, *n)
	}
	if b, ok := out["baseline"]; ok {
		fmt.Printf("latency: Go adds about %.2f ms to a request that does almost nothing (GET /tls/info p50 minus the baseline p50)\n", out["info"].P50-b.P50)
	}
	return nil
}
