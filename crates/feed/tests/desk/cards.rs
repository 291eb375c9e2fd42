//! The union's signing key and the cards published with the statuses: a key never
//! overwritten, a card never signed with a date no venue can read or one past.

use super::*;

#[test]
fn keygen_never_overwrites_a_key() {
    let dir = temp_dir("keygen");
    for command in [&["keygen"][..], &["desk", "keygen"][..]] {
        let key = dir.join(format!("{}.key", command.len()));
        let run = |key: &Path| {
            Command::new(BIN)
                .args(command)
                .arg("--out")
                .arg(key)
                .output()
                .unwrap()
        };
        succeeded(&run(&key));
        let pub_path = PathBuf::from(format!("{}.pub", key.display()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "{command:?}: the key is its owner's only"
            );
        }
        let (secret, public) = (
            std::fs::read(&key).unwrap(),
            std::fs::read(&pub_path).unwrap(),
        );
        // Again on the same files, or with only the .pub left: refused, nothing written.
        let again = run(&key);
        assert!(!again.status.success(), "{command:?}");
        assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
        assert_eq!(std::fs::read(&key).unwrap(), secret);
        assert_eq!(std::fs::read(&pub_path).unwrap(), public);
        std::fs::remove_file(&key).unwrap();
        assert!(
            !run(&key).status.success(),
            "{command:?}: the .pub is there"
        );
        assert!(!key.exists(), "nothing written");
        assert_eq!(std::fs::read(&pub_path).unwrap(), public);
    }
    // The desk's pair: what the app seals to the .pub opens with the key.
    let key = dir.join("desk.key");
    let said = succeeded(
        &Command::new(BIN)
            .args(["desk", "keygen", "--out", key.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    let public = std::fs::read_to_string(dir.join("desk.key.pub")).unwrap();
    assert!(said.contains(public.trim()) && said.contains("build --seal-key"));
    let private =
        yizhan_feed::keys::desk_private_key(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let (sealed, _) = seal(public.trim(), JOIN, "join", &application("王五", ""));
    let db = dir.join("desk.sqlite");
    let stored = store(
        &db,
        &[sealed_envelope(JOIN, "join", sealed)],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened), (1, 1));
}

#[test]
fn cards_are_never_signed_with_a_date_no_venue_can_read_or_one_past() {
    let dir = temp_dir("valid-until");
    let db = desk_with_requests(&dir);
    let key = union_key(&dir);
    let campaigns = dir.join("campaigns-in.json");
    std::fs::write(&campaigns, CAMPAIGNS).unwrap();
    for (until, said) in [
        ("2027/12/31", "not a date"),
        ("2027-12-31T00:00", "not a date"),
        ("2020-01-01", "has passed"),
    ] {
        let run = desk(
            &[
                "publish",
                "--campaigns",
                campaigns.to_str().unwrap(),
                "--out",
                dir.join("out").to_str().unwrap(),
                "--sign-key",
                key.to_str().unwrap(),
                "--card-valid-until",
                until,
            ],
            &db,
        );
        assert!(!run.status.success(), "{until} was accepted");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(said),
            "{until}"
        );
        assert!(!dir.join("out").exists(), "nothing written");
    }
}
