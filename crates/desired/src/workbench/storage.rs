//! Where Workbench keeps data: home directories (`spec.volume`, mounted at `/home` in the
//! server and in sessions) and the server's shared storage (load balancing, project
//! sharing), both only when they exist.
//!
//! The shared-storage claim follows the home claim: same access modes (a claim the
//! cluster cannot provision would keep the server from starting), same storage family, bound to the
//! Site's `<name>-workbench-shared-storage` volume when the home claim is bound to the
//! Site's `<name>-workbench` volume (FSx: class named after the volume; NFS: `<volume>-nfs`),
//! otherwise dynamically provisioned in the home claim's storage class. Without a home
//! volume there is no claim: the server keeps shared storage in an emptyDir, and sessions
//! mount neither claim (they would never start on a claim that does not exist).

use crate::labels::Labels;
use crate::names::{self, ProductNames};
use crate::object::Object;
use crate::product;
use team_api::shared::VolumeSpec;

/// Default size of created home claims.
pub const HOME_SIZE: &str = "2Gi";
/// Size of the shared-storage claim.
pub const SHARED_SIZE: &str = "10Gi";
/// Azure NetApp Files' smallest volume.
const AZURE_NETAPP_CLASS: &str = "azure-netapp-files";
const AZURE_NETAPP_MINIMUM: &str = "50Gi";

/// Home directories and shared storage of one Workbench.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    /// The claim mounted at `/home`, with the spec to create it from (when `create`).
    pub home: Option<(String, Option<VolumeSpec>)>,
    /// The shared-storage claim and the spec it is created from.
    pub shared: Option<(String, VolumeSpec)>,
    /// Where the server (and sessions) find shared storage.
    pub shared_path: String,
}

impl Storage {
    /// `volume` is the spec's home volume; `load_balancing` whether rserver.conf uses shared
    /// storage; `shared_path` its path.
    pub fn new(
        names: &ProductNames,
        volume: Option<&VolumeSpec>,
        load_balancing: bool,
        shared_path: &str,
    ) -> Self {
        let home = volume.map(|volume| {
            let claim = if volume.pvc_name.is_empty() {
                names.component.clone()
            } else {
                volume.pvc_name.clone()
            };
            (claim, volume.create.then(|| volume.clone()))
        });
        let shared = volume
            .filter(|_| load_balancing)
            .map(|volume| (names.with("shared-storage"), shared_spec(names, volume)));
        Self {
            home,
            shared,
            shared_path: shared_path.to_string(),
        }
    }

    /// The claims the operator creates (kept when Workbench is deleted: they hold data).
    pub fn claims(&self, namespace: &str, labels: &Labels) -> Vec<Object> {
        let mut out = Vec::new();
        if let Some((name, Some(volume))) = &self.home {
            out.push(product::claim(
                name,
                namespace,
                labels.clone(),
                volume,
                HOME_SIZE,
            ));
        }
        if let Some((name, volume)) = &self.shared {
            out.push(product::claim(
                name,
                namespace,
                labels.clone(),
                volume,
                SHARED_SIZE,
            ));
        }
        out
    }
}

fn shared_spec(names: &ProductNames, home: &VolumeSpec) -> VolumeSpec {
    let shared_volume = names.with("shared-storage");
    let home_volume = names.component.as_str();
    let nfs_class = |volume: &str| names::fit(&format!("{volume}-nfs"));
    let bound = !home.volume_name.is_empty() && home.volume_name == home_volume;
    let (volume_name, class) = if bound && home.storage_class_name == home_volume {
        (shared_volume.clone(), shared_volume)
    } else if bound && home.storage_class_name == nfs_class(home_volume) {
        (shared_volume.clone(), nfs_class(&shared_volume))
    } else {
        (String::new(), home.storage_class_name.clone())
    };
    let size = if class == AZURE_NETAPP_CLASS {
        AZURE_NETAPP_MINIMUM
    } else {
        SHARED_SIZE
    };
    VolumeSpec {
        create: true,
        access_modes: home.access_modes.clone(),
        volume_name,
        storage_class_name: class,
        size: size.to_string(),
        ..VolumeSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use team_api::enums::AccessMode;

    fn home(class: &str, volume_name: &str) -> VolumeSpec {
        VolumeSpec {
            create: true,
            storage_class_name: class.into(),
            volume_name: volume_name.into(),
            ..Default::default()
        }
    }

    fn shared(volume: &VolumeSpec) -> VolumeSpec {
        let names = ProductNames::new("main", "workbench");
        Storage::new(&names, Some(volume), true, "/mnt/shared-storage")
            .shared
            .unwrap()
            .1
    }

    #[test]
    fn shared_storage_matches_each_site_volume_source() {
        // FSx for OpenZFS: the class is the volume's name.
        let fsx = shared(&home("main-workbench", "main-workbench"));
        assert_eq!(fsx.volume_name, "main-workbench-shared-storage");
        assert_eq!(fsx.storage_class_name, "main-workbench-shared-storage");
        // NFS: `<volume>-nfs`.
        let nfs = shared(&home("main-workbench-nfs", "main-workbench"));
        assert_eq!(nfs.volume_name, "main-workbench-shared-storage");
        assert_eq!(nfs.storage_class_name, "main-workbench-shared-storage-nfs");
        // Azure NetApp: dynamically provisioned, at least NetApp's minimum.
        let azure = shared(&home("azure-netapp-files", ""));
        assert_eq!(azure.volume_name, "");
        assert_eq!(azure.storage_class_name, "azure-netapp-files");
        assert_eq!(azure.size, "50Gi");
        // The user's own class.
        let own = shared(&home("nfs-client", ""));
        assert_eq!(
            (own.volume_name.as_str(), own.storage_class_name.as_str()),
            ("", "nfs-client")
        );
        assert!(
            own.access_modes.is_empty(),
            "the home claim's (default) modes"
        );
        let mut rwx = home("nfs-client", "");
        rwx.access_modes = vec![AccessMode::ReadWriteMany];
        assert_eq!(shared(&rwx).access_modes, [AccessMode::ReadWriteMany]);
    }

    #[test]
    fn nothing_is_claimed_without_a_home_volume() {
        let names = ProductNames::new("main", "workbench");
        let storage = Storage::new(&names, None, true, "/mnt/shared-storage");
        assert_eq!(storage.home, None);
        assert_eq!(storage.shared, None);
        assert!(storage.claims("ns", &Labels::new()).is_empty());
    }

    #[test]
    fn existing_home_claims_are_used_not_created() {
        let names = ProductNames::new("main", "workbench");
        let volume = VolumeSpec {
            pvc_name: "homes".into(),
            ..Default::default()
        };
        let storage = Storage::new(&names, Some(&volume), false, "/mnt/shared-storage");
        assert_eq!(storage.home, Some(("homes".to_string(), None)));
        assert_eq!(storage.shared, None);
        assert!(storage.claims("ns", &Labels::new()).is_empty());
    }
}
