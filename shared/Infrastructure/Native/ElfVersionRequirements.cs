using System.Buffers.Binary;
using System.Text;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Reads and relaxes the symbol-version requirements (<c>.gnu.version_r</c>) of a
/// 64-bit little-endian ELF shared library.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was built with GCC 13, which records a
/// requirement on <c>GLIBCXX_3.4.32</c> for <c>std::ios_base_library_init</c>. Nothing in
/// the library calls that symbol, but glibc refuses to load a library whose required
/// versions the system libstdc++ lacks (Debian 12 and Ubuntu 22.04 stop at 3.4.30).
/// Marking such a requirement weak (<c>VER_FLG_WEAK</c>) makes glibc accept it. This is only
/// safe when no relocation binds a symbol of that version, so <see cref="MarkWeak"/> checks
/// exactly that and refuses otherwise.
/// </remarks>
public static class ElfVersionRequirements
{
    const uint SHT_RELA = 4, SHT_DYNSYM = 11, SHT_REL = 9;
    const uint SHT_GNU_verneed = 0x6ffffffe, SHT_GNU_versym = 0x6fffffff;
    const ushort VER_FLG_WEAK = 0x2;

    /// <summary>One version a library needs from another, e.g. GLIBCXX_3.4.32 from libstdc++.so.6.</summary>
    public sealed record Requirement(string Library, string Version, ushort Index, bool IsWeak, int FlagsOffset);

    /// <summary>Every version requirement recorded in the library's bytes.</summary>
    public static IReadOnlyList<Requirement> Read(byte[] elf)
    {
        var image = new ElfImage(elf);
        var verneed = image.Sections.FirstOrDefault(s => s.Type == SHT_GNU_verneed);
        if (verneed is null) return [];
        var strings = image.Sections[(int)verneed.Link];

        var result = new List<Requirement>();
        long entry = verneed.Offset;
        for (uint i = 0; i < verneed.Info; i++)
        {
            var count = image.U16(entry + 2);
            var library = image.CString(strings.Offset + image.U32(entry + 4));
            long aux = entry + image.U32(entry + 8);
            for (int j = 0; j < count; j++)
            {
                var flags = image.U16(aux + 4);
                result.Add(new Requirement(
                    library,
                    image.CString(strings.Offset + image.U32(aux + 8)),
                    image.U16(aux + 6),
                    (flags & VER_FLG_WEAK) != 0,
                    checked((int)(aux + 4))));
                aux += image.U32(aux + 12);
            }
            entry += image.U32(entry + 12);
        }
        return result;
    }

    /// <summary>
    /// Returns a copy of <paramref name="elf"/> in which the named version requirements are weak.
    /// Throws if a version is not required at all, or if a relocation binds a symbol of that
    /// version (weakening it would then break a call at run time).
    /// </summary>
    public static byte[] MarkWeak(byte[] elf, IEnumerable<string> versions)
    {
        var image = new ElfImage(elf);
        var requirements = Read(elf);
        var patched = (byte[])elf.Clone();
        foreach (var version in versions.Distinct())
        {
            var requirement = requirements.FirstOrDefault(r => r.Version == version)
                ?? throw new InvalidOperationException($"The library does not require version {version}, so there is nothing to relax.");
            var users = image.RelocatedSymbolsWithVersion(requirement.Index);
            if (users.Count > 0)
                throw new InvalidOperationException(
                    $"Cannot relax {version}: the library calls {string.Join(", ", users)} at that version, " +
                    $"so it needs a {requirement.Library} that provides {version}.");
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(requirement.FlagsOffset));
            BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(requirement.FlagsOffset), (ushort)(flags | VER_FLG_WEAK));
        }
        return patched;
    }

    sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    sealed class ElfImage
    {
        readonly byte[] bytes;
        public IReadOnlyList<Section> Sections { get; }

        public ElfImage(byte[] bytes)
        {
            this.bytes = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file.");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
            long sectionTable = (long)U64(0x28);
            int entrySize = U16(0x3A), count = U16(0x3C);
            var sections = new List<Section>(count);
            for (int i = 0; i < count; i++)
            {
                long h = sectionTable + (long)i * entrySize;
                sections.Add(new Section(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44), (long)U64(h + 56)));
            }
            Sections = sections;
        }

        /// <summary>Names of the dynamic symbols of version <paramref name="index"/> that some relocation uses.</summary>
        public IReadOnlyList<string> RelocatedSymbolsWithVersion(ushort index)
        {
            var dynsymIndex = Sections.ToList().FindIndex(s => s.Type == SHT_DYNSYM);
            var versym = Sections.FirstOrDefault(s => s.Type == SHT_GNU_versym);
            if (dynsymIndex < 0 || versym is null) return [];
            var dynsym = Sections[dynsymIndex];
            var names = Sections[(int)dynsym.Link];

            var used = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var rel in Sections.Where(s => (s.Type == SHT_RELA || s.Type == SHT_REL) && s.Link == dynsymIndex && s.EntrySize > 0))
            {
                for (long r = rel.Offset; r < rel.Offset + rel.Size; r += rel.EntrySize)
                {
                    var symbol = (long)(U64(r + 8) >> 32);
                    if (symbol == 0) continue;
                    if ((U16(versym.Offset + symbol * 2) & 0x7fff) != index) continue;
                    used.Add(CString(names.Offset + U32(dynsym.Offset + symbol * dynsym.EntrySize)));
                }
            }
            return used.ToList();
        }

        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Span(at, 2));
        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));
        public ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Span(at, 8));

        public string CString(long at)
        {
            _ = Span(at, 1);
            var tail = bytes.AsSpan((int)at);
            var end = tail.IndexOf((byte)0);
            if (end < 0) throw new InvalidDataException("Unterminated string in ELF string table.");
            return Encoding.ASCII.GetString(tail[..end]);
        }

        ReadOnlySpan<byte> Span(long at, int length)
        {
            if (at < 0 || at + length > bytes.Length)
                throw new InvalidDataException($"ELF file is truncated: needs bytes {at}..{at + length}, has {bytes.Length}.");
            return bytes.AsSpan((int)at, length);
        }
    }
}
