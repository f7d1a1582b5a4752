/**
 * ELF64 and Linux auxiliary-vector constants used by the parser and the process loader
 * (values from the System V gABI, the x86-64 psABI and Linux's uapi headers).
 */

// e_ident
export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;

/** Size of the ELF64 file header and of one ELF64 program header. */
export const EHDR64_SIZE = 64;
export const PHDR64_SIZE = 56;

// e_type
export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const ET_NAMES: Record<number, string> = {
  [ET_NONE]: 'ET_NONE',
  [ET_REL]: 'ET_REL',
  [ET_EXEC]: 'ET_EXEC',
  [ET_DYN]: 'ET_DYN',
  [ET_CORE]: 'ET_CORE',
};

// e_machine
export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;

export const EM_NAMES: Record<number, string> = {
  [EM_386]: 'EM_386',
  [EM_ARM]: 'EM_ARM',
  2: 'EM_SPARC',
  8: 'EM_MIPS',
  20: 'EM_PPC',
  21: 'EM_PPC64',
  22: 'EM_S390',
  [EM_X86_64]: 'EM_X86_64',
  [EM_AARCH64]: 'EM_AARCH64',
  [EM_RISCV]: 'EM_RISCV',
  258: 'EM_LOONGARCH',
};

// p_type
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_SHLIB = 5;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT_GNU_PROPERTY = 0x6474e553;

// p_flags
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

// dynamic tags
export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_STRTAB = 5;

// Auxiliary vector entry types (Linux include/uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h)
export const AT_NULL = 0;
export const AT_IGNORE = 1;
export const AT_EXECFD = 2;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_NOTELF = 10;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_BASE_PLATFORM = 24;
export const AT_RANDOM = 25;
export const AT_HWCAP2 = 26;
export const AT_EXECFN = 31;
export const AT_SYSINFO_EHDR = 33;
export const AT_MINSIGSTKSZ = 51;
