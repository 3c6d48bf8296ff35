//! Stoplight Prism, the independent mock server of the wire check: installed from npm into
//! `target/prism` on first use, and run as `prism mock --errors SPEC`, one per spec.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const PRISM: &str = "@stoplight/prism-cli@5.16.0";
/// Reading a big spec (GitHub's is 13 MB) takes Prism a while.
const START_LIMIT: Duration = Duration::from_secs(300);

/// Prism under `target/prism`, installed with npm when it is missing or another version.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join("target/prism");
    let prism = prefix.join("node_modules/.bin/prism");
    let version = PRISM.rsplit('@').next().unwrap_or_default();
    let installed = Command::new(&prism)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == version);
    if installed {
        return Ok(prism);
    }
    std::fs::create_dir_all(&prefix).map_err(|err| format!("{}: {err}", prefix.display()))?;
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(PRISM)
        .status()
        .map_err(|err| format!("cannot run npm (Node.js is needed for Prism): {err}"))?;
    if !status.success() {
        return Err(format!("npm could not install {PRISM}"));
    }
    Ok(prism)
}

/// A running `prism mock`, stopped when dropped.
pub struct Mock {
    child: Child,
    pub url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `spec` on a free port of 127.0.0.1 and waits until it listens. Prism answers an
/// invalid request with its violations (`--errors`), and a response of its own that breaks
/// the spec with a 500.
pub fn serve(prism: &Path, spec: &Path) -> Result<Mock, String> {
    too_big(spec)?;
    let port = free_port()?;
    let mut child = Command::new(prism)
        .args([
            "mock",
            "--errors",
            "--host",
            "127.0.0.1",
            "--verboseLevel",
            "error",
        ])
        .args(["--port", &port.to_string()])
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start prism: {err}"))?;
    let said = drain(child.stdout.take(), child.stderr.take());
    let mock = Mock {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    wait_until_listening(mock, port, &said)
}

/// Refuses a spec Prism would never finish reading: it replaces every `$ref` by its target
/// before it listens.
fn too_big(spec: &Path) -> Result<(), String> {
    let document = generator::load::read_fragment(spec)
        .map_err(|err| format!("{}: {}", spec.display(), err.message))?
        .document;
    let size = super::deref::dereferenced_size(&document);
    if size <= super::deref::LIMIT {
        return Ok(());
    }
    Err(format!(
        "not started: with every `$ref` replaced by its target, as Prism does before it listens, the paths make {size:.1e} nodes (limit {:.0e})",
        super::deref::LIMIT as f64
    ))
}

fn wait_until_listening(
    mut mock: Mock,
    port: u16,
    said: &Arc<Mutex<String>>,
) -> Result<Mock, String> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while started.elapsed() < START_LIMIT {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(mock);
        }
        if let Ok(Some(status)) = mock.child.try_wait() {
            let output = said.lock().map(|s| s.clone()).unwrap_or_default();
            return Err(format!("prism exited ({status}): {}", last_lines(&output)));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "prism did not listen within {} s",
        START_LIMIT.as_secs()
    ))
}

/// A port no one listens on now (the OS picks it).
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|err| format!("no free port: {err}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|err| err.to_string())
}

/// Reads Prism's output on threads of their own, so full pipes cannot stall it; keeps the
/// last of it for a failure message.
fn drain(
    stdout: Option<impl Read + Send + 'static>,
    stderr: Option<impl Read + Send + 'static>,
) -> Arc<Mutex<String>> {
    let said = Arc::new(Mutex::new(String::new()));
    let keep = |pipe: Box<dyn Read + Send>, said: Arc<Mutex<String>>| {
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Ok(mut said) = said.lock() {
                    said.push_str(&line);
                    said.push('\n');
                    let mut excess = said.len().saturating_sub(8192);
                    while !said.is_char_boundary(excess) {
                        excess += 1;
                    }
                    said.drain(..excess);
                }
            }
        });
    };
    if let Some(out) = stdout {
        keep(Box::new(out), said.clone());
    }
    if let Some(err) = stderr {
        keep(Box::new(err), said.clone());
    }
    said
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
