package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
)

// mixed returns the mixed task scenario: 50% list, 20% get, 20% create,
// 10% toggle, over tasks seeded first (so gets and toggles find a task).
func mixed(c *http.Client, tasks, jwt string) (func(*http.Client) error, error) {
	var ids []int64
	for i := range 32 {
		var t struct {
			ID int64 `json:"id"`
		}
		if err := postJSON(c, tasks, jwt, fmt.Sprintf(`{"title":"seed %d"}`, i), &t); err != nil {
			return nil, fmt.Errorf("seed tasks: %w", err)
		}
		ids = append(ids, t.ID)
	}
	return func(c *http.Client) error {
		id := strconv.FormatInt(ids[rand.IntN(len(ids))], 10)
		switch n := rand.IntN(10); {
		case n < 5:
			return send(c, http.MethodGet, tasks+"?limit=20", nil, jwt)
		case n < 7:
			return send(c, http.MethodGet, tasks+"/"+id, nil, jwt)
		case n < 9:
			return send(c, http.MethodPost, tasks, []byte(`{"title":"mixed load"}`), jwt)
		default:
			return send(c, http.MethodPatch, tasks+"/"+id+"/complete", nil, jwt)
		}
	}, nil
}

func postJSON(c *http.Client, u, bearer, body string, out any) error {
	req, err := http.NewRequest(http.MethodPost, u, jsonBody(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return &statusError{method: http.MethodPost, url: u, status: resp.StatusCode}
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func jsonBody(s string) *strings.Reader { return strings.NewReader(s) }
