package crypto

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"io"
	"strconv"
	"unicode/utf8"
)

// WeCom's XML documents (envelopes and decrypted messages) are one root
// element whose children are fields: <xml><Name>value</Name>…</xml>. This file
// walks those fields. A fast scanner handles the shape WeCom actually sends
// without a general decoder; any document outside that shape is handed to
// encoding/xml, which has the last word. Both report identical fields for
// every document the fast scanner accepts (FuzzParseEvent checks this).
//
// The text value of a field follows one rule in both paths: character data
// and CDATA sections are concatenated, and whitespace outside CDATA at the
// start and the end is dropped. So <InfoType> <![CDATA[suite_ticket]]></InfoType>
// (the official suite_ticket sample, doc 90628) yields "suite_ticket", while
// <Content><![CDATA[ hi ]]></Content> keeps its spaces.

// fieldVisitor receives one child of the root element: its local name, its
// text value, and whether it has child elements of its own (nested). value
// either aliases the input or is freshly allocated; it is never reused, so it
// may be kept. An error from the visitor stops the walk and is returned as is.
type fieldVisitor func(name, value []byte, nested bool) error

// maxSimpleFields is how many fields the fast scanner buffers (on the stack)
// before it hands a document to encoding/xml. WeCom's flat messages have
// fewer than twenty.
const maxSimpleFields = 48

// maxDepth bounds element nesting. WeCom's messages nest three or four levels;
// the limit keeps hostile input from costing more than linear work.
const maxDepth = 64

var (
	bom       = []byte("\xEF\xBB\xBF")
	cdataOpen = []byte("<![CDATA[")
	cdataEnd  = []byte("]]>")
)

// walkFields calls visit once for each child of data's root element, in order.
// A leading UTF-8 byte order mark is ignored. Malformed XML yields an error
// with code -40002 whose message names no content.
func walkFields(data []byte, visit fieldVisitor) error {
	data = bytes.TrimPrefix(data, bom)
	if ok, err := walkSimple(data, visit); ok || err != nil {
		return err
	}
	return walkXML(data, visit)
}

// walkSimple is the fast path. It accepts exactly
//
//	space* <root> (space* <Name> content </Name>)* space* </root> space*
//
// where names are ASCII ([A-Za-z_][A-Za-z0-9_.-]*) without attributes, and
// content is either space* CDATA space* or plain text free of '&', ']', '\r',
// control characters and non-ASCII bytes. It reports ok=false for anything
// else (declarations, comments, attributes, references, nesting, more than
// maxSimpleFields fields…). Fields are visited only once the whole document
// has been accepted, so a document the fast path declines has not been
// visited at all.
func walkSimple(data []byte, visit fieldVisitor) (ok bool, err error) {
	type span struct{ name, value []byte }
	var spans [maxSimpleFields]span
	fields := spans[:0]

	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '<' {
		return false, nil
	}
	root, i := scanName(data, i+1)
	if root == nil || i >= len(data) || data[i] != '>' {
		return false, nil
	}
	i++
	for {
		i = skipSpace(data, i)
		if i+1 >= len(data) || data[i] != '<' {
			return false, nil
		}
		if data[i+1] == '/' { // the root's end tag
			end, ok := scanEndTag(data, i, root)
			if !ok || skipSpace(data, end) != len(data) {
				return false, nil
			}
			for _, f := range fields {
				if err := visit(f.name, f.value, false); err != nil {
					return true, err
				}
			}
			return true, nil
		}
		name, j := scanName(data, i+1)
		if name == nil || j >= len(data) || data[j] != '>' {
			return false, nil
		}
		value, k, ok := scanContent(data, j+1)
		if !ok {
			return false, nil
		}
		end, ok := scanEndTag(data, k, name)
		if !ok || len(fields) == len(spans) {
			return false, nil
		}
		fields = append(fields, span{name, value})
		i = end
	}
}

// scanName reads an ASCII XML name at data[i:]; name is nil if there is none.
func scanName(data []byte, i int) (name []byte, end int) {
	j := i
	for j < len(data) {
		c := data[j]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' ||
			j > i && ('0' <= c && c <= '9' || c == '-' || c == '.') {
			j++
			continue
		}
		break
	}
	if j == i {
		return nil, i
	}
	return data[i:j], j
}

// scanEndTag matches "</name>" at data[i:] and returns the index after it.
func scanEndTag(data []byte, i int, name []byte) (end int, ok bool) {
	end = i + 2 + len(name) + 1
	if end > len(data) || data[i] != '<' || data[i+1] != '/' ||
		!bytes.Equal(data[i+2:end-1], name) || data[end-1] != '>' {
		return 0, false
	}
	return end, true
}

// scanContent reads a field's content at data[i:] up to its end tag and
// returns the value and the index of the end tag's '<'.
func scanContent(data []byte, i int) (value []byte, end int, ok bool) {
	i = skipSpace(data, i)
	if bytes.HasPrefix(data[i:], cdataOpen) {
		start := i + len(cdataOpen)
		n, ok := scanCDATA(data[start:])
		if !ok {
			return nil, 0, false
		}
		end = skipSpace(data, start+n+len(cdataEnd))
		if end+1 >= len(data) || data[end] != '<' || data[end+1] != '/' {
			return nil, 0, false // more text or a second CDATA section
		}
		return data[start : start+n], end, true
	}
	j := i
	for ; j < len(data) && data[j] != '<'; j++ {
		if c := data[j]; c == '&' || c == ']' || c >= utf8.RuneSelf || c < ' ' && c != '\t' && c != '\n' {
			return nil, 0, false
		}
	}
	if j+1 >= len(data) || data[j+1] != '/' {
		return nil, 0, false
	}
	k := j
	for k > i && isSpace(data[k-1]) {
		k--
	}
	return data[i:k], j, true
}

// scanCDATA finds the "]]>" that ends a CDATA section's content b and
// reports its offset. ok is false if there is none, or if the content before
// it is not UTF-8 made only of XML characters (XML 1.0 §2.2) or holds a '\r',
// which XML would rewrite to '\n'.
func scanCDATA(b []byte) (n int, ok bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for {
		// Eight bytes at a time while they are printable ASCII other than
		// ']' (the whole of an Encrypt value). In x, a byte ≥ 0x80 sets its
		// high bit; (x-0x20…)&^x sets it for a byte < 0x20 and (y-0x01…)&^y
		// for a zero byte of y, i.e. a ']' of x. Both tests are exact as to
		// whether such a byte exists.
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			y := x ^ ']'*ones
			if (x|(x-0x20*ones)&^x|(y-ones)&^y)&highs != 0 {
				break
			}
			i += 8
		}
		if i >= len(b) {
			return 0, false
		}
		switch c := b[i]; {
		case c == ']':
			if bytes.HasPrefix(b[i:], cdataEnd) {
				return i, true
			}
			i++
		case c >= ' ' && c < utf8.RuneSelf || c == '\t' || c == '\n':
			i++
		case c < utf8.RuneSelf: // other control characters, '\r'
			return 0, false
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				return 0, false
			}
			i += size
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// walkXML is the general path: encoding/xml in strict mode, which knows only
// the five predefined entities (no external entities, no expansion attacks).
// Field names are matched by local name, ignoring namespace prefixes, as
// encoding/xml's Unmarshal does for the official Go sample.
func walkXML(data []byte, visit fieldVisitor) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	var (
		depth    int
		rootDone bool
		name     []byte  // current field's local name (depth ≥ 2)
		text     []byte  // its direct character data, concatenated
		pieces   []piece // where each run of text came from
		nested   bool
	)
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			if !rootDone {
				return xmlError(d, "no complete root element")
			}
			return nil
		}
		if err != nil {
			return xmlError(d, "malformed XML")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone {
				return xmlError(d, "a second root element")
			}
			depth++
			switch {
			case depth > maxDepth:
				return xmlError(d, "elements nested deeper than "+strconv.Itoa(maxDepth))
			case depth == 2:
				name = append(name[:0], t.Name.Local...)
				text, pieces, nested = text[:0], pieces[:0], false
			case depth == 3:
				nested = true
			}
		case xml.EndElement:
			if depth == 2 {
				if err := visit(name, fieldValue(text, pieces), nested); err != nil {
					return err
				}
			}
			depth--
			rootDone = depth == 0
		case xml.CharData:
			switch depth {
			case 0:
				if len(bytes.TrimLeft(t, " \t\r\n")) != 0 {
					return xmlError(d, "text outside the root element")
				}
			case 2:
				cdata := bytes.HasPrefix(data[off:], cdataOpen)
				pieces = append(pieces, piece{start: len(text), end: len(text) + len(t), cdata: cdata})
				text = append(text, t...)
			}
		}
		// Comments, processing instructions and directives carry no field
		// text; encoding/xml has already checked the XML declaration.
	}
}

// piece is one run of character data inside a field: text[start:end], from a
// CDATA section or not.
type piece struct {
	start, end int
	cdata      bool
}

// fieldValue applies the value rule: concatenate, then drop whitespace that
// is outside CDATA at both ends. The result is a fresh slice.
func fieldValue(text []byte, pieces []piece) []byte {
	lo, hi := 0, len(text)
	for _, p := range pieces { // leading
		if p.cdata {
			break
		}
		k := p.start
		for k < p.end && isSpace(text[k]) {
			k++
		}
		lo = k
		if k < p.end {
			break
		}
	}
	for i := len(pieces) - 1; i >= 0; i-- { // trailing
		p := pieces[i]
		if p.cdata {
			break
		}
		k := p.end
		for k > p.start && isSpace(text[k-1]) {
			k--
		}
		hi = k
		if k > p.start {
			break
		}
	}
	if lo >= hi {
		return []byte{}
	}
	return append([]byte(nil), text[lo:hi]...)
}

// xmlError reports malformed XML with its line, never with content: the
// decoder's own messages may quote element or entity names from a decrypted
// message.
func xmlError(d *xml.Decoder, what string) error {
	line, _ := d.InputPos()
	return newError(ErrParseXML, what+" (line "+strconv.Itoa(line)+")", nil)
}

// errNested is returned by visitors for a modelled field that has child
// elements.
func errNested(field string) error {
	return newError(ErrParseXML, "element "+field+" has child elements", nil)
}
