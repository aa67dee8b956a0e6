package viet

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Đức":    "nguyen van duc",
		"ĐẶC KHU":           "dac khu",
		"Ưu tiên ở hải đảo": "uu tien o hai dao",
		"abc-123":           "abc-123",
		"Tổ dân phố":        "to dan pho",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
