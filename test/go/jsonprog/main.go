// encoding/json: marshal, unmarshal, indent, maps, interfaces, custom tags.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type Item struct {
	Name  string            `json:"name"`
	Price float64           `json:"price"`
	Tags  []string          `json:"tags,omitempty"`
	Meta  map[string]string `json:"meta,omitempty"`
	Count int               `json:"-"`
}

type Order struct {
	ID    int64  `json:"id"`
	Items []Item `json:"items"`
	Paid  bool   `json:"paid"`
	Note  *string
}

func main() {
	note := "deliver \"fast\" <now>"
	o := Order{ID: 42, Items: []Item{{Name: "apple", Price: 0.5, Tags: []string{"fruit"}}, {Name: "pear", Price: 1.25, Meta: map[string]string{"z": "1", "a": "2"}}}, Paid: true, Note: &note}
	b, err := json.Marshal(o)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(string(b))
	var back Order
	if err := json.Unmarshal(b, &back); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(back.ID, len(back.Items), back.Items[1].Meta["a"], *back.Note)
	ind, _ := json.MarshalIndent(map[string]interface{}{"b": []int{1, 2}, "a": 1.5e300, "c": nil}, "", "  ")
	fmt.Println(string(ind))
	var any interface{}
	json.Unmarshal([]byte(`{"x":[1,"two",3.5,true,null,{"y":-0.0001}]}`), &any)
	fmt.Printf("%v\n", any)
	err = json.Unmarshal([]byte(`{"id": "nope"}`), &back)
	fmt.Println("error:", err)
}
