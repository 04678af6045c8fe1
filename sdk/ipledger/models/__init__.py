"""The data: pydantic models of rights, records, licences and results; official numbers; hashing; amounts."""
