// Command kstatus prints the status kstatus (sigs.k8s.io/cli-utils) computes for one object, the way Flux and
// other kstatus readers see it: the object is read as JSON from stdin (kubectl get -o json) and the output
// is one JSON line, {"status":"Current","message":"..."}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var object unstructured.Unstructured
	if err := object.UnmarshalJSON(data); err != nil {
		fail(err)
	}
	result, err := status.Compute(&object)
	if err != nil {
		fail(err)
	}
	out, err := json.Marshal(map[string]string{"status": result.Status.String(), "message": result.Message})
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(1)
}
