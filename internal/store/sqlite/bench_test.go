package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/latchhq/latch"
)

// BenchmarkCreateTask measures one acknowledged (committed) write.
func BenchmarkCreateTask(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if err := db.CreateTask(ctx, &latch.Task{UserID: "u", Title: fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
