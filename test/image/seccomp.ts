// A seccomp profile in the spirit of a kubelet's RuntimeDefault, for runc.
//
// RuntimeDefault is the container runtime's own profile (containerd's, for
// most clusters), compiled into it, so it cannot be handed to runc as is.
// What it is documented to refuse a container is what this profile refuses:
// kernel modules and kexec, mount and pivot_root, new namespaces (unshare,
// setns, clone with a CLONE_NEW* flag), keyrings, ptrace and reading other
// processes' memory, BPF and perf events, clock and accounting changes,
// swap, reboot, NUMA policy and the obsolete calls. Everything else is
// allowed (a deny list rather than RuntimeDefault's allow list: the point
// is that the operator runs under a filter a cluster would apply, not to
// re-derive the runtime's list). clone3 answers ENOSYS, as RuntimeDefault
// does, because its flags live in memory a filter cannot read: glibc then
// falls back to clone, whose flags are checked.

/** SeccompProfile is the OCI runtime config's linux.seccomp. */
export interface SeccompProfile {
  readonly defaultAction: string;
  readonly architectures: readonly string[];
  readonly syscalls: readonly {
    readonly names: readonly string[];
    readonly action: string;
    readonly errnoRet?: number;
    readonly args?: readonly { readonly index: number; readonly value: number; readonly valueTwo: number; readonly op: string }[];
  }[];
}

const EPERM = 1;
const ENOSYS = 38;

/** Refused is every syscall the profile answers EPERM, whatever its arguments. */
export const Refused: readonly string[] = [
  // Kernel modules, kexec, reboot, swap.
  'create_module', 'init_module', 'finit_module', 'delete_module', 'query_module', 'get_kernel_syms',
  'kexec_load', 'kexec_file_load', 'reboot', 'swapon', 'swapoff',
  // File systems and namespaces.
  'mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree',
  'name_to_handle_at', 'open_by_handle_at', 'quotactl', 'nfsservctl', 'sysfs', '_sysctl', 'ustat', 'uselib',
  // Keyrings.
  'add_key', 'request_key', 'keyctl',
  // Other processes and the kernel's insides.
  'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'bpf', 'perf_event_open', 'lookup_dcookie', 'userfaultfd',
  // Clocks, accounting, I/O ports, NUMA, execution domains.
  'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex', 'stime', 'acct',
  'ioperm', 'iopl', 'vm86', 'vm86old', 'mbind', 'set_mempolicy', 'get_mempolicy', 'move_pages', 'personality',
];

// clone's first argument on x86_64 holds its flags; one rule per namespace flag (rules are OR'ed).
const CloneNewFlags = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

/** runtimeDefaultLike is the profile for an x86_64 container (the image is linux/amd64 only). */
export function runtimeDefaultLike(): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: Refused, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
      ...CloneNewFlags.map((flag) => ({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }] })),
    ],
  };
}
