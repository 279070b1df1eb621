/// Placeholder until the mail core lands.
enum VigilMailPlaceholder {}
