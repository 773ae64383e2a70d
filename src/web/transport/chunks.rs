//! stompjs's `splitLargeFrames`: one text frame written as several WebSocket messages of at most
//! `max` bytes each, for servers that limit the size of one message (Spring's default is 64 KiB of
//! reassembled frame, but its containers buffer far less per message) and reassemble the frame from
//! the stream. Unlike stompjs, which cuts the JS string every `maxWebSocketChunkSize` UTF-16 units
//! (so a surrogate pair can be cut, and a chunk can be up to 3× the size in bytes), the cut here is in
//! bytes and never inside a UTF-8 character: a text message must be valid UTF-8 on its own, and a
//! broker closes the connection on one that is not (RabbitMQ Web-STOMP: 1007, checked by hand).

/// The pieces of `bytes` (UTF-8) of at most `max` bytes each, each ending on a character boundary;
/// a character longer than `max` (only when `max` < 4) goes whole into a piece of its own.
pub(crate) fn utf8_pieces(bytes: &[u8], max: usize) -> impl Iterator<Item = &[u8]> {
    let max = max.max(1);
    let mut rest = bytes;
    core::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(max);
        // Back up to the start of a character (a continuation byte is 0b10xx_xxxx).
        while end < rest.len() && end > 0 && rest[end] & 0xc0 == 0x80 {
            end -= 1;
        }
        if end == 0 {
            // One character wider than `max`: take it whole.
            end = 1;
            while end < rest.len() && rest[end] & 0xc0 == 0x80 {
                end += 1;
            }
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}
