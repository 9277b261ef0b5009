//! Ctrl-C while a change is sent or its job followed. Until [`catch`] is called, SIGINT ends
//! the process as usual (nothing to say yet: nothing was sent). From then on, the first SIGINT
//! only sets a flag, which the client and the wait look at every few tens of milliseconds, so
//! that the command can say what became of the request and how to resume (exit 130); a second
//! one ends the process at once.

use changeos_client::http::Interrupt;

use crate::remote::EXIT_INTERRUPTED;

/// From now on, SIGINT sets the returned flag (and a second SIGINT exits with 130).
pub fn catch() -> Interrupt {
    let interrupt = Interrupt::new();
    let flag = interrupt.flag();
    let signal = signal_hook::consts::SIGINT;
    // Registered first, so it runs before the flag is set: it exits only if the flag already
    // was (a second Ctrl-C).
    let registered =
        signal_hook::flag::register_conditional_shutdown(signal, i32::from(EXIT_INTERRUPTED), flag.clone())
            .and_then(|_| signal_hook::flag::register(signal, flag));
    if let Err(e) = registered {
        // Only a signal that cannot be caught fails to register; SIGINT can be: the default
        // (the process ends) stays.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("warning: Ctrl-C cannot be caught ({e}): it will end changeos without a resume command\n")
                .as_bytes(),
        );
    }
    interrupt
}
