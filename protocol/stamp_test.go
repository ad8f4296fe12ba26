package protocol

import (
	"bytes"
	"math/rand"
	"strconv"
	"testing"
	"time"
)

// Times written through one stampCache, in runs within a second (the
// cache's hits) and across seconds, zones, zone changes, years of more
// and fewer than four digits, and with and without a fraction, come out
// as time.RFC3339Nano writes them.
func TestStampsAreRFC3339Nano(t *testing.T) {
	locs := []*time.Location{time.UTC, time.Local, time.FixedZone("IST", 5*3600+1800), time.FixedZone("odd", -(3*3600 + 25*60 + 7)),
		time.FixedZone("zero", 0)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		locs = append(locs, ny)
	}
	bases := []time.Time{
		time.Date(2026, 11, 29, 23, 2, 39, 0, time.UTC),
		time.Date(2026, 3, 8, 6, 59, 58, 0, time.UTC), // New York's clocks go forward at 07:00 UTC
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 6, 7, 8, 9, 10, 0, time.UTC),
		time.Date(12345, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Unix(0, 0),
	}
	rng := rand.New(rand.NewSource(3))
	var c stampCache
	for i := 0; i < 20000; i++ {
		base := bases[rng.Intn(len(bases))]
		loc := locs[rng.Intn(len(locs))]
		var ns int64
		switch rng.Intn(4) {
		case 0: // a whole second
			ns = int64(rng.Intn(3)) * 1e9
		case 1: // trailing zeros
			ns = int64(rng.Intn(3e6)) * 1000
		default:
			ns = rng.Int63n(3e9)
		}
		tm := base.Add(time.Duration(ns)).In(loc)
		if rng.Intn(2) == 0 {
			tm = time.Now().In(loc) // with a monotonic reading
		}
		got := c.append([]byte("x"), tm)
		if want := tm.AppendFormat([]byte("x"), time.RFC3339Nano); !bytes.Equal(got, want) {
			t.Fatalf("%v:\n got %s\nwant %s", tm, got, want)
		}
	}
}

// appendSeconds writes what strconv.AppendFloat writes for every offset
// around the half microseconds where rounding could differ, and for any
// other, from nothing to past the point it hands over to the float.
func TestSecondsAreAppendFloats(t *testing.T) {
	check := func(d time.Duration) {
		t.Helper()
		got := appendSeconds([]byte("x"), d)
		if want := strconv.AppendFloat([]byte("x"), d.Seconds(), 'f', 6, 64); !bytes.Equal(got, want) {
			t.Fatalf("%d ns: got %s, want %s", d, got, want)
		}
	}
	rng := rand.New(rand.NewSource(4))
	for _, d := range []time.Duration{0, 1, 499, 500, 501, 502, 999, 1000, 1500, time.Second - 1, time.Second, 1<<48 - 1, 1 << 48, 1<<63 - 1, -1, -500, -1 << 63} {
		check(d)
	}
	for i := 0; i < 200000; i++ {
		var d time.Duration
		switch i % 4 {
		case 0: // near a half microsecond
			d = time.Duration(rng.Int63n(1<<49))/1000*1000 + 495 + time.Duration(rng.Intn(11))
		case 1:
			d = time.Duration(rng.Int63n(int64(time.Hour)))
		case 2:
			d = time.Duration(rng.Int63n(1 << 50))
		default:
			d = time.Duration(rng.Int63())
		}
		check(d)
		check(-d)
	}
}
