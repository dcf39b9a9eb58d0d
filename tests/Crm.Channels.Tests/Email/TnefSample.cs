using System.Text;

namespace Crm.Channels.Tests.Email;

/// <summary>
/// Writes a minimal winmail.dat (MS-OXTNEF) holding one file, the way Outlook wraps attachments: signature, key,
/// message-level version and code page, then an attachment's rendering data, title and bytes, each with its checksum.
/// </summary>
internal static class TnefSample
{
    private const uint Signature = 0x223E9F78;

    public static byte[] WithAttachment(string fileName, byte[] content)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Signature);
        writer.Write((ushort)1);
        Attribute(writer, 1, 0x00089006, BitConverter.GetBytes(0x00010000u)); // attTnefVersion
        Attribute(writer, 1, 0x00069007, [.. BitConverter.GetBytes(1252u), .. BitConverter.GetBytes(0u)]); // attOemCodepage
        Attribute(writer, 2, 0x00069002, [1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]); // attAttachRenddata: a file
        Attribute(writer, 2, 0x00018010, [.. Encoding.ASCII.GetBytes(fileName), 0]); // attAttachTitle
        Attribute(writer, 2, 0x0006800F, content); // attAttachData
        writer.Flush();
        return stream.ToArray();
    }

    private static void Attribute(BinaryWriter writer, byte level, uint id, byte[] data)
    {
        writer.Write(level);
        writer.Write(id);
        writer.Write((uint)data.Length);
        writer.Write(data);
        writer.Write((ushort)(data.Sum(b => b) & 0xFFFF));
    }
}
