//! What only the npm package's wasm has (feature `npm`, built `no_std`): the allocator and a panic
//! handler. A panic is a bug (the code is written so that no input reaches one); when it happens the
//! handler says where on `console.error`, then traps, and the JS call that led here throws.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let mut message = String::from("stomp-wasm: internal error (please report it)");
    if let Some(location) = info.location() {
        message.push_str(" at ");
        message.push_str(location.file());
        message.push(':');
        crate::frame::push_decimal(&mut message, u64::from(location.line()));
    }
    if let Some(text) = info.message().as_str() {
        message.push_str(": ");
        message.push_str(text);
    }
    console_error(&message);
    core::arch::wasm32::unreachable()
}
