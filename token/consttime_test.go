package token

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestSignatureComparedInConstantTime reads HS256.Verify's source: the MAC
// must be compared with hmac.Equal (constant time), never with
// bytes.Equal, string equality or a loop that can stop early. A timing
// test could not tell these apart reliably; the source can.
func TestSignatureComparedInConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "hs256.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var verify *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Verify" && fd.Recv != nil {
			verify = fd
		}
	}
	if verify == nil {
		t.Fatal("HS256.Verify not found in hs256.go")
	}
	hmacEqual := 0
	ast.Inspect(verify.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		switch pkg.Name + "." + sel.Sel.Name {
		case "hmac.Equal", "subtle.ConstantTimeCompare":
			hmacEqual++
		case "bytes.Equal", "bytes.Compare", "strings.EqualFold", "reflect.DeepEqual":
			t.Errorf("%s: HS256.Verify compares with %s.%s, which is not constant-time", fset.Position(call.Pos()), pkg.Name, sel.Sel.Name)
		}
		return true
	})
	if hmacEqual != 1 {
		t.Fatalf("HS256.Verify calls hmac.Equal %d times, want exactly once (the signature check)", hmacEqual)
	}
}
