//! The browser and mini-program layer (wasm32 only), in two parts:
//!
//! - the **driver** ([`Driver`]): runs the session with a real socket, timer and page/app hooks; Rust
//!   types in and out — what Rust front ends use, and what the JS edge delegates to;
//! - the **JS edge** (feature `js`): `ClientCore`, the wasm half of the npm package's `Client`, whose JS
//!   half (`src/web/edge/*.js`) owns the stompjs surface.
//!
//! No STOMP rule is decided here; if one is, it belongs in [`crate::session`].

mod clock;
pub(crate) mod debug;
pub mod driver;
#[cfg(feature = "js")]
mod edge;
mod hooks;
pub(crate) mod random;
pub(crate) mod shims;
mod timer;
pub mod transport;

pub use debug::DebugConfig;
/// `global()`: the global object; `get`/`set`: `Reflect.get`/`Reflect.set` with text keys.
pub(crate) use shims::{get, global_object as global, set};

pub use driver::{Driver, DriverConfig, DriverError, Handler, Notice, SocketKind};
pub use timer::TimerStrategy;
pub use transport::Platform;
