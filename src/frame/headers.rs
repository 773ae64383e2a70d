//! Ordered STOMP headers. Names may repeat (the spec keeps them all and the first one wins on lookup),
//! so this is a list, not a map. All names and values share one string buffer: one allocation per frame
//! instead of two per header, which is what makes receiving many small frames cheap.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

/// Ordered headers with repeated names allowed; [`get`](Headers::get) returns the first.
///
/// ```
/// use stomp_wasm::frame::Headers;
/// let mut headers = Headers::new();
/// headers.push("foo", "1");
/// headers.push("foo", "2");
/// assert_eq!(headers.get("foo"), Some("1"));
/// assert_eq!(headers.get_all("foo").collect::<Vec<_>>(), ["1", "2"]);
/// assert_eq!(headers.len(), 2);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    text: String,
    /// For each header: where its name starts, where the name ends and the value starts, where the
    /// value ends, as offsets into `text`.
    spans: Vec<(u32, u32, u32)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// No headers, with room for `headers` of `text_bytes` bytes of names and values in all: filled
    /// without growing.
    ///
    /// ```
    /// use stomp_wasm::frame::Headers;
    /// let mut headers = Headers::with_capacity(2, "content-type".len() + "text/plain".len());
    /// headers.push("content-type", "text/plain");
    /// assert_eq!(headers.get("content-type"), Some("text/plain"));
    /// ```
    pub fn with_capacity(headers: usize, text_bytes: usize) -> Headers {
        Headers {
            text: String::with_capacity(text_bytes),
            spans: Vec::with_capacity(headers),
        }
    }

    /// Appends a header, keeping any earlier one of the same name.
    pub fn push(&mut self, name: &str, value: &str) {
        let start = self.text.len();
        self.text.push_str(name);
        let middle = self.text.len();
        self.text.push_str(value);
        self.spans
            .push((start as u32, middle as u32, self.text.len() as u32));
    }

    /// Builder form of [`push`](Headers::push).
    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Headers {
        self.push(name, value);
        self
    }

    /// The value of the first header called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        // Names compared as bytes: only the match is sliced as text (a `str` slice checks its char
        // boundaries, which on the per-message path costs more than the comparison).
        let wanted = name.as_bytes();
        let bytes = self.text.as_bytes();
        self.spans
            .iter()
            .find(|&&(start, middle, _)| bytes.get(start as usize..middle as usize) == Some(wanted))
            .map(|&span| self.resolve(span).1)
    }

    /// Whether some name appears more than once (then only the first counts, as the spec reads it).
    pub fn has_repeated_names(&self) -> bool {
        let bytes = self.text.as_bytes();
        let name =
            |&(start, middle, _): &(u32, u32, u32)| bytes.get(start as usize..middle as usize);
        self.spans.iter().enumerate().any(|(index, span)| {
            self.spans[..index]
                .iter()
                .any(|earlier| name(earlier) == name(span))
        })
    }

    /// The values of every header called `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().filter(move |(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Whether a header called `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Replaces the first header called `name` (removing any later ones), or appends it.
    pub fn set(&mut self, name: &str, value: &str) {
        let existed = self.contains(name);
        if existed {
            let mut rebuilt = Headers::new();
            let mut done = false;
            for (n, v) in self.iter() {
                if n == name {
                    if !done {
                        rebuilt.push(n, value);
                        done = true;
                    }
                } else {
                    rebuilt.push(n, v);
                }
            }
            *self = rebuilt;
        } else {
            self.push(name, value);
        }
    }

    /// Removes every header called `name`; returns whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        if !self.contains(name) {
            return false;
        }
        let mut kept = Headers::new();
        for (n, v) in self.iter().filter(|(n, _)| *n != name) {
            kept.push(n, v);
        }
        *self = kept;
        true
    }

    /// The number of header lines (repeats counted).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The header at position `index`, in frame order.
    pub fn at(&self, index: usize) -> Option<(&str, &str)> {
        self.spans.get(index).map(|&span| self.resolve(span))
    }

    /// Every header in frame order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.spans.iter().map(|&span| self.resolve(span))
    }

    fn resolve(&self, (start, middle, end): (u32, u32, u32)) -> (&str, &str) {
        // `get`: the spans are always character boundaries, and indexing would bring core's
        // formatted panic message for a bad one into the wasm.
        let text = |from: u32, to: u32| self.text.get(from as usize..to as usize).unwrap_or("");
        (text(start, middle), text(middle, end))
    }

    /// Raw access for the parser: the shared buffer that header text is unescaped into.
    pub(crate) fn buffer(&mut self) -> &mut String {
        &mut self.text
    }

    /// Raw access for the parser: records a header whose name and value were written into
    /// [`buffer`](Headers::buffer) at these ranges.
    pub(crate) fn push_span(&mut self, name: Range<usize>, value_end: usize) {
        self.spans
            .push((name.start as u32, name.end as u32, value_end as u32));
    }

    /// Raw access for the parser: makes room for `additional` more octets of text and one more entry,
    /// growing geometrically but never past `text_cap` octets or `max_entries` entries (the caller has
    /// checked both have room), so a parser's memory stays within its limits.
    pub(crate) fn reserve_within(
        &mut self,
        additional: usize,
        text_cap: usize,
        max_entries: usize,
    ) {
        let needed = self.text.len() + additional;
        if needed > self.text.capacity() {
            let target = self
                .text
                .capacity()
                .saturating_mul(2)
                .min(text_cap)
                .max(needed);
            self.text.reserve_exact(target - self.text.len());
        }
        if self.spans.len() == self.spans.capacity() {
            let target = (self.spans.capacity() * 2)
                .max(4)
                .min(max_entries)
                .max(self.spans.len() + 1);
            self.spans.reserve_exact(target - self.spans.len());
        }
    }

    /// Raw access for the parser: octets of memory held (capacities, not lengths).
    pub(crate) fn held_bytes(&self) -> usize {
        self.text.capacity() + self.spans.capacity() * core::mem::size_of::<(u32, u32, u32)>()
    }

    /// Total bytes of header text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Headers {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Headers {
        let mut headers = Headers::new();
        for (name, value) in iter {
            headers.push(name, value);
        }
        headers
    }
}

impl<'a, const N: usize> From<[(&'a str, &'a str); N]> for Headers {
    fn from(pairs: [(&'a str, &'a str); N]) -> Headers {
        pairs.into_iter().collect()
    }
}
