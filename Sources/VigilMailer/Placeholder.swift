/// Placeholder until the SMTP transport lands.
enum VigilMailerPlaceholder {}
