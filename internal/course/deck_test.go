package course

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"testing/fstest"
)

var onePixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82")

func TestLoadDeck(t *testing.T) {
	files := goodFS()
	files["khoa-thu/hinh/so-do.png"] = &fstest.MapFile{Data: onePixel}
	files["khoa-thu/slides/hoi-nghi.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Hội nghị tập huấn\n---\n" +
		"## Mở đầu\n\nChương trình.\n\n---\n\n## Sơ đồ\n\n![Sơ đồ tổ chức](./hinh/so-do.png)\n\n```text\nmột\n---\nhai\n```\n\n---\n## Kết luận\n")}
	files["khoa-thu/slides/_nhap.md"] = &fstest.MapFile{Data: []byte("a draft, ignored")}
	cat, probs := Load(files)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	co := cat.Course("khoa-thu")
	d := co.Deck("hoi-nghi")
	if d == nil || d.Title != "Hội nghị tập huấn" || len(d.Slides) != 3 || len(co.Decks) != 1 {
		t.Fatalf("deck: %+v", d)
	}
	if s := string(d.Slides[1]); !strings.Contains(s, `<img src="/courses/khoa-thu/files/hinh/so-do.png" alt="Sơ đồ tổ chức" width="1" height="1" loading="lazy" decoding="async">`) ||
		!strings.Contains(s, "một\n---\nhai") {
		t.Fatalf("slide 2 (a picture, and a --- inside code that is not a break): %s", s)
	}
	if string(co.Pictures["hinh/so-do.png"]) != string(onePixel) || len(co.Pictures) != 1 {
		t.Fatalf("pictures kept: %v", len(co.Pictures))
	}
	slides := cat.Slides("Buổi 1", "khoa-thu", "hoi-nghi", nil)
	if len(slides) != 4 || !strings.Contains(string(slides[0]), "Buổi 1") || !strings.Contains(string(slides[3]), "Kết luận") {
		t.Fatalf("session slides with the deck: %d", len(slides))
	}
	if without := cat.Slides("Buổi 1", "khoa-thu", "", nil); len(without) == len(slides) {
		t.Fatal("without a deck the modules' sections should be the slides")
	}
}

func TestDeckProblems(t *testing.T) {
	files := goodFS()
	files["khoa-thu/hinh/so-do.png"] = &fstest.MapFile{Data: onePixel}
	files["khoa-thu/hinh/lon.png"] = &fstest.MapFile{Data: make([]byte, maxPicture+1)}
	files["khoa-thu/hinh/so-do.svg"] = &fstest.MapFile{Data: []byte("<svg/>")}
	files["khoa-thu/hinh/rong.png"] = &fstest.MapFile{Data: pngOf(t, maxPictureWidth+1, 2)}
	files["khoa-thu/hinh/hong.png"] = &fstest.MapFile{Data: []byte("\x89PNG\r\n\x1a\nnot really")}
	files["khoa-thu/slides/Hoi_Nghi.md"] = &fstest.MapFile{Data: []byte("---\ntitle: x\n---\nx\n")}
	files["khoa-thu/slides/loi.md"] = &fstest.MapFile{Data: []byte("---\nsummary: thiếu tiêu đề\n---\n" + // 1-3
		"## Một\n\n---\n\n---\n" + // 4-8: slide 2 (line 7) is empty
		"![a](hinh/khong-co.png)\n\n" + // 9
		"![b](https://example.com/x.png)\n\n" + // 11
		"![c](../../ngoai.png)\n\n" + // 13
		"![d](hinh/so-do.svg)\n\n" + // 15
		"![e](hinh/lon.png)\n\n" + // 17
		"![g](hinh/rong.png)\n\n" + // 19
		"![h](hinh/hong.png)\n\n" + // 21
		"![ ](hinh/so-do.png)\n\n" + // 23
		"{{fact:khong-co}}\n")} // 25
	files["khoa-thu/01-bai-mot.md"] = &fstest.MapFile{Data: []byte(strings.Replace(module("Bài một", 1), "Nội dung", "Nội dung\n\n![f](hinh/thieu.png)", 1))}
	_, probs := Load(files)
	var all []string
	for _, p := range probs {
		all = append(all, p.String())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		`khoa-thu/slides/Hoi_Nghi.md:1: deck file name must be a lower-case slug`,
		`khoa-thu/slides/loi.md:2: unknown field "summary" (allowed: title)`,
		`khoa-thu/slides/loi.md:1: title is missing`,
		`khoa-thu/slides/loi.md:7: slide 2 is empty`,
		`khoa-thu/slides/loi.md:9: picture "hinh/khong-co.png" is not in the course folder (khoa-thu/hinh/khong-co.png)`,
		`khoa-thu/slides/loi.md:11: picture "https://example.com/x.png" must be a file of the course folder`,
		`khoa-thu/slides/loi.md:13: picture "../../ngoai.png" is outside the course folder`,
		`khoa-thu/slides/loi.md:15: picture "hinh/so-do.svg" must be a PNG, JPEG, WebP or GIF file`,
		`khoa-thu/slides/loi.md:17: picture "hinh/lon.png" is 49 KB; keep pictures under 48 KB`,
		`khoa-thu/slides/loi.md:19: picture "hinh/rong.png" is 1081 px wide; make it at most 1080 px wide`,
		`khoa-thu/slides/loi.md:21: picture "hinh/hong.png" cannot be read as image/png`,
		`khoa-thu/slides/loi.md:23: picture "hinh/so-do.png" has no description`,
		`khoa-thu/slides/loi.md:25: unknown fact key "khong-co"`,
		`khoa-thu/01-bai-mot.md:`,
		`picture "hinh/thieu.png" is not in the course folder`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
