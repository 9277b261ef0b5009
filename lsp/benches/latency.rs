//! The time from a change notification to the diagnostics being published, for the examples,
//! for a payload with 40 KB of user data and for 3,000 findings on one line, through the
//! server's own message loop (an in-memory connection: what stdio adds is the client's). Then
//! the server's resident memory every 2,500 of 10,000 edits, printed (`VmRSS`, Linux), to show
//! that it stays flat.
//!
//! `cargo bench -p changeos-lsp --bench latency`

use std::time::Duration;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const URI: &str = "file:///bench/payload.json";

struct Session {
    client: Connection,
    version: i32,
}

impl Session {
    fn start() -> Session {
        let (server, client) = Connection::memory();
        std::thread::spawn(move || changeos_lsp::serve(&server, &changeos_lsp::Options::default()));
        let request = Request::new(
            RequestId::from(1),
            "initialize".to_owned(),
            json!({ "capabilities": {} }),
        );
        client.sender.send(Message::Request(request)).expect("send");
        client.receiver.recv().expect("the initialize response");
        let session = Session { client, version: 0 };
        session.notify("initialized", json!({}));
        session.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "json", "version": 0, "text": "{}" } }),
        );
        session
    }

    fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        self.client.sender.send(message).expect("send");
    }

    /// Sends the text as a change and waits for its diagnostics.
    fn change(&mut self, text: &str) -> usize {
        self.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": self.version }, "contentChanges": [{ "text": text }] }),
        );
        loop {
            let message = self
                .client
                .receiver
                .recv_timeout(Duration::from_secs(10))
                .expect("diagnostics");
            if let Message::Notification(n) = message
                && n.method == "textDocument/publishDiagnostics"
                && n.params["version"] == self.version
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn payloads() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut out = Vec::new();
    for name in ["cloudinit-password", "cloudinit-keypair", "cloudinit-encrypted"] {
        let text = std::fs::read_to_string(format!("{root}/examples/{name}.json")).expect("an example");
        out.push((name.to_owned(), text));
    }
    // 40 KB of user data: 30,000 bytes of script, base64-encoded on one line.
    let script: Vec<u8> = (0..30_000u32)
        .map(|i| b"#!/bin/sh echo changeos\n"[i as usize % 24])
        .collect();
    let user_data = base64(&script);
    let text = format!(
        "{{\"os-change\": {{\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"KeyPair-350b\", \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\", \"metadata\": {{\"user_data\": \"{user_data}\"}}}}}}"
    );
    out.push(("user-data-40kb".to_owned(), text));
    // The worst case of placing findings: 3,000 unknown members on one line, a finding each.
    let unknown: String = (0..3000).map(|i| format!("\"m{i}\": 1, ")).collect();
    let text = format!("{{\"os-change\": {{{unknown}\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"}}}}");
    out.push(("unknown-members-3000-one-line".to_owned(), text));
    out
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn latency(c: &mut Criterion) {
    let mut session = Session::start();
    let mut group = c.benchmark_group("change-to-diagnostics");
    for (name, text) in payloads() {
        group.bench_function(&name, |b| b.iter(|| session.change(&text)));
    }
    group.finish();

    // Memory over 10,000 edits, alternating two texts so that every edit changes the document.
    // Printed every 2,500 edits: the allocator keeps what the largest message needed, so the
    // first steps may grow; a leak would go on growing.
    let texts = payloads();
    let mut resident = vec![resident_kib()];
    for i in 0..10_000 {
        session.change(&texts[i % texts.len()].1);
        if (i + 1) % 2_500 == 0 {
            resident.push(resident_kib());
        }
    }
    if resident.iter().all(Option::is_some) {
        let steps: Vec<String> = resident.iter().flatten().map(|kib| format!("{kib} KiB")).collect();
        println!("resident memory every 2,500 edits from the start: {}", steps.join(", "));
    }
}

criterion_group!(benches, latency);
criterion_main!(benches);
