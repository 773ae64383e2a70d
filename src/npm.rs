//! What only the npm package's wasm has (feature `npm`, built `no_std`): the allocator and a panic
//! handler. A panic is a bug (the code is written so that no input reaches one); when it happens the
//! handler says where on `console.error`, then traps, and the JS call that led here throws.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

#[global_allocator]
static ALLOCATOR: heap::Heap = heap::Heap::new();

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

/// The allocator: free lists of power-of-two blocks, one list per size, over memory taken from
/// `memory.grow`. Blocks up to 2 KiB are cut from 4 KiB pages, larger ones are taken whole (4 KiB
/// aligned); a freed block goes back on its size's list for the next allocation of that size. It is
/// about 0.7 KB of wasm where dlmalloc was 5.6 KB, and as fast or faster (no splitting, no
/// coalescing: an allocation is a list pop, a free a push, a `Vec` growing within its block a no-op).
/// The price: a block is up to twice its request, and memory freed at one size is reused only at that
/// size — a client's steady traffic allocates the same sizes over and over, so its memory stays flat
/// (bench/memory.mjs: 1,000,000 messages). Wasm memory never shrinks, with any allocator.
#[allow(unsafe_code)]
mod heap {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32::memory_grow;
    use core::cell::Cell;
    use core::ptr::{self, null_mut};

    /// Blocks up to half of this are cut from pages of this size; the alignment of every page and
    /// of every larger block (bigger alignments are refused).
    const PAGE: usize = 4096;
    const PAGE_SIZE_CLASS: u32 = PAGE.trailing_zeros();
    const WASM_PAGE: usize = 65536;
    /// Requests above this fail (1 GiB: beyond what a page or a mini-program may hold anyway).
    const MAX_CLASS: u32 = 30;

    pub(super) struct Heap {
        /// The first free block of each size `1 << class` (0: none); each free block holds the
        /// address of the next.
        free: [Cell<usize>; MAX_CLASS as usize + 1],
        /// Untouched memory from `next` to `end`.
        next: Cell<usize>,
        end: Cell<usize>,
    }

    // SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
    unsafe impl Sync for Heap {}

    /// The size class of a request: `1 << class` bytes, at least 8 (a free block holds a pointer),
    /// at least the alignment (blocks are aligned to their size up to `PAGE`).
    fn class(layout: Layout) -> Option<u32> {
        let size = layout.size().max(layout.align()).max(8);
        if layout.align() > PAGE || size > 1 << MAX_CLASS {
            return None;
        }
        Some(size.next_power_of_two().trailing_zeros())
    }

    impl Heap {
        pub(super) const fn new() -> Heap {
            Heap {
                free: [const { Cell::new(0) }; MAX_CLASS as usize + 1],
                next: Cell::new(0),
                end: Cell::new(0),
            }
        }

        /// `bytes` (a multiple of `PAGE`) of untouched memory, `PAGE` aligned; null when the memory
        /// cannot grow.
        fn take(&self, bytes: usize) -> *mut u8 {
            let mut next = self.next.get();
            while self.end.get() - next < bytes {
                let pages = (bytes - (self.end.get() - next)).div_ceil(WASM_PAGE);
                let previous = memory_grow(0, pages);
                if previous == usize::MAX {
                    return null_mut();
                }
                if previous * WASM_PAGE != self.end.get() {
                    // The first growth (or memory grown by someone else): start at the new pages.
                    next = previous * WASM_PAGE;
                }
                self.end.set((previous + pages) * WASM_PAGE);
            }
            self.next.set(next + bytes);
            next as *mut u8
        }

        /// Puts a block on its size's free list.
        ///
        /// # Safety
        /// `block` is a block of size `1 << class` that nothing uses any more.
        unsafe fn push(&self, block: *mut u8, class: u32) {
            let head = &self.free[class as usize];
            // SAFETY: the block is at least 8 bytes, aligned to 8, and ours.
            unsafe { (block as *mut usize).write(head.get()) };
            head.set(block as usize);
        }
    }

    unsafe impl GlobalAlloc for Heap {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let Some(class) = class(layout) else {
                return null_mut();
            };
            let head = &self.free[class as usize];
            if head.get() == 0 {
                if class >= PAGE_SIZE_CLASS {
                    return self.take(1 << class);
                }
                let page = self.take(PAGE);
                if page.is_null() {
                    return page;
                }
                // The whole page onto the list, its first block on top.
                for at in (0..PAGE >> class).rev() {
                    // SAFETY: a block of the fresh page.
                    unsafe { self.push(page.add(at << class), class) };
                }
            }
            let block = head.get() as *mut u8;
            // SAFETY: a free block holds the address of the next one.
            head.set(unsafe { (block as *const usize).read() });
            block
        }

        unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
            if let Some(class) = class(layout) {
                // SAFETY: the caller gives back a block it allocated with this layout.
                unsafe { self.push(block, class) };
            }
        }

        unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller guarantees `new_size`, rounded up to the alignment, does not
            // overflow.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            if class(layout) == class(new_layout) {
                return block;
            }
            // SAFETY: as `GlobalAlloc::realloc` requires of its caller.
            unsafe {
                let moved = self.alloc(new_layout);
                if !moved.is_null() {
                    ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                    self.dealloc(block, layout);
                }
                moved
            }
        }
    }
}
