# How the shipped wasm is compiled: `cargo xtask build` sets these same variables on
# the wasm's cargo only (xtask/src/apps.rs, RELEASE_ENV: a unit test keeps the two the
# same; the build program itself is built with the stable defaults); the benchmark's
# counter build sources this file. Measured on the app's wasm after wasm-opt -Oz (gzip -9 bytes):
#   stable defaults                                     529,073
#   std rebuilt with the app (build-std)                524,437
#   ... and panics abort at once (immediate-abort)      495,076  (-6.4 %)
# A panic then leaves no message, only a trap: the loader (web/boot.js) turns the
# trap into the crash page. These are unstable options of this exact toolchain (rustc
# 1.95, rust-src from rustup), unlocked with RUSTC_BOOTSTRAP for this build only; the
# tests and clippy build with the stable defaults. If a toolchain drops them, the build
# fails loudly rather than silently shipping the larger wasm.
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
# Replaces the target's rustflags in .cargo/config.toml, so it repeats erase_components.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort"
