package appointments

import "testing"

// A page tells a field's problem by the words it was written with, values
// and all, and no other words pass for them.
func TestWordsAreKnownAgain(t *testing.T) {
	for _, tt := range []struct {
		w    Words
		msg  string
		want bool
	}{
		{WordsRequired, "is required", true},
		{WordsRequired, "is required: this practice has several therapists", false},
		{WordsTooLong, WordsTooLong.Say(100), true},
		{WordsTooLong, "is longer than", false},
		{WordsUnknownType, WordsUnknownType.Say("x y"), true},
		{WordsNotOffered, WordsNotOffered.Say("fr", "en, es"), true},
		{WordsNotOffered, "is not offered by this booking link", false},
		{WordsNotADate, WordsNotADate.Say("24/12"), true},
		{WordsNotATime, WordsNotADate.Say("24/12"), false},
	} {
		if got := tt.w.In(tt.msg); got != tt.want {
			t.Errorf("%q.In(%q) = %v, want %v", tt.w, tt.msg, got, tt.want)
		}
	}
	if asked, offered, ok := NotOffered(WordsNotOffered.Say("fr", "en, es")); !ok || asked != "fr" || offered != "en, es" {
		t.Errorf("NotOffered = %q %q %v", asked, offered, ok)
	}
}
