//! Account hardening of the server and of sessions: every user's files and home directory
//! are private (umask 077, home directories 0700), mounted over the image's defaults.

use crate::names::ProductNames;
use crate::pod::{self, Volumes};

/// Files of the login ConfigMap: (key, mount path).
pub const FILES: [(&str, &str); 3] = [
    ("login.defs", "/etc/login.defs"),
    ("common-session", "/etc/pam.d/common-session"),
    ("99-ptd.sh", "/etc/profile.d/99-ptd.sh"),
];

/// `/etc/login.defs`: the distribution's account settings with private defaults.
pub const LOGIN_DEFS: &str = "\
# Account settings of Posit Workbench users (see login.defs(5)).
# Files and home directories are private to their owner.
MAIL_DIR          /var/mail
FAILLOG_ENAB      yes
LOG_UNKFAIL_ENAB  no
LOG_OK_LOGINS     no
SYSLOG_SU_ENAB    yes
SYSLOG_SG_ENAB    yes
FTMP_FILE         /var/log/btmp
SU_NAME           su
HUSHLOGIN_FILE    .hushlogin
ENV_SUPATH        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV_PATH          PATH=/usr/local/bin:/usr/bin:/bin
TTYGROUP          tty
TTYPERM           0600
ERASECHAR         0177
KILLCHAR          025
UMASK             077
HOME_MODE         0700
PASS_MAX_DAYS     99999
PASS_MIN_DAYS     0
PASS_WARN_AGE     7
UID_MIN           1000
UID_MAX           60000
GID_MIN           1000
GID_MAX           60000
LOGIN_RETRIES     5
LOGIN_TIMEOUT     60
CHFN_RESTRICT     rwh
DEFAULT_HOME      yes
USERGROUPS_ENAB   yes
ENCRYPT_METHOD    SHA512
";

/// `/etc/pam.d/common-session`: private umask, directory users, home created at first
/// login with private permissions.
pub const COMMON_SESSION: &str = "\
# Session modules of every service (see pam.d(5)).
session [default=1] pam_permit.so
session requisite   pam_deny.so
session required    pam_permit.so
session optional    pam_umask.so umask=0077
session required    pam_unix.so
session optional    pam_sss.so
session optional    pam_mkhomedir.so skel=/etc/skel umask=0077
";

/// `/etc/profile.d/99-ptd.sh`: the same umask for login shells.
pub const PROFILE: &str = "# Files created in shells are private to their owner.\numask 077\n";

/// The ConfigMap data.
pub fn data() -> std::collections::BTreeMap<String, String> {
    [LOGIN_DEFS, COMMON_SESSION, PROFILE]
        .iter()
        .zip(FILES)
        .map(|(text, (key, _))| (key.to_string(), text.to_string()))
        .collect()
}

/// Mounts the hardening files, over an empty `/etc/rstudio` (the image's defaults hidden),
/// in the server or a session.
pub fn mount(volumes: &mut Volumes, names: &ProductNames) {
    volumes
        .volume(pod::empty_dir("etc-cover-volume"))
        .mount("etc-cover-volume", "/etc/rstudio", None, false)
        .volume(pod::config_map(
            "login-volume",
            &names.with("login"),
            &[],
            Some(0o644),
        ));
    for (key, path) in FILES {
        volumes.mount("login-volume", path, Some(key), true);
    }
}
