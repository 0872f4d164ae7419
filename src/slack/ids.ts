/**
 * Every callback, block and action ID the app uses, in one place: listeners and view builders import
 * them from here and never repeat a string literal.
 */
export const COMMAND = '/provision';

export const SHORTCUTS = {
  provisionNewHire: 'provision_new_hire',
  /** "Offboard this person" on an HR leaver post. */
  offboardPerson: 'offboard_person',
  /** "Import this new-hire CSV" on an HR post with a CSV attached (Slack allows 24 characters in a name). */
  importNewHires: 'import_new_hires',
} as const;

/** Modal callback IDs. */
export const VIEWS = {
  /** The User Info step (new user, new agent, clone): the root view, submitted last. */
  userInfo: 'provision_user_info',
  /** The Collections step, pushed on top of User Info; "Done" returns to it. */
  collections: 'provision_collections',
  /** The extension form on its own (`/provision extension`). */
  extension: 'provision_extension',
  /** The extension form as a step of an agent request, pushed on top of User Info. */
  agentExtension: 'provision_agent_extension',
  /** Problems of a submitted form that belong to none of its fields, pushed on top of it (no submit). */
  formProblems: 'provision_form_problems',
  /** An approver's reason for rejecting a request (private_metadata: the request ID). */
  rejectReason: 'provision_reject_reason',
  /** Edit User: the User Info step prefilled from the user (private_metadata: user-form-state.ts, mode `e`). */
  userEdit: 'provision_user_edit',
  /** App Home's Find a user: the text and filters; the results go to the person's DM with the bot. */
  findUser: 'provision_find_user',
  /** Offboarding: reason and effective time (private_metadata: the user's ID and version). */
  deactivate: 'provision_deactivate',
  /** Reactivation: a confirmation with an optional note. */
  reactivate: 'provision_reactivate',
  /** An extension to another agent, or taken from its holder: confirmations (private_metadata: extension-assignment-modal.ts). */
  reassignExtension: 'provision_reassign_extension',
  unassignExtension: 'provision_unassign_extension',
  /** `/provision import`: the file field. */
  importFile: 'provision_import_file',
  /** An import's second step: the problems found, and "Submit the N valid rows" (private_metadata: import-modal.ts). */
  importConfirm: 'provision_import_confirm',
} as const;

/** Input block IDs: a field's errors are reported on its block (`response_action: 'errors'`). */
export const BLOCKS = {
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  email: 'email',
  description: 'description',
  password: 'password',
  site: 'site',
  department: 'department',
  billingUnit: 'billing_unit',
  profile: 'profile',
  cluster: 'cluster',
  userType: 'user_type',
  /** Primary phone: an existing free extension (agents must have one, or a new one). */
  extension: 'primary_extension',
  access: 'access',
  notes: 'notes',
  collectionsSummary: 'collections_summary',
  newExtensionSummary: 'new_extension_summary',
  /** Collections step; the block ID carries a version suffix so Select/Deselect All can reset it. */
  userCollections: 'user_collections',
  agentCollections: 'agent_collections',
  /** Collections step: the Select All / Deselect All buttons above each list. */
  userCollectionsActions: 'collections_user_actions',
  agentCollectionsActions: 'collections_agent_actions',
  /** Extension form: the line saying the device secret is generated (no input). */
  deviceSecretNote: 'device_secret_note',
  /** The approval message: its buttons, and the reject-reason modal's input. */
  approvalActions: 'approval_actions',
  /** The approval message: Retry delivery, under a notification that used up its retries. */
  deliveryActions: 'delivery_actions',
  rejectReason: 'reject_reason',
  /** Offboarding modal: the person (when a leaver post matched several), reason, when, and the date and time. */
  offboardPerson: 'offboard_person',
  offboardReason: 'offboard_reason',
  offboardWhen: 'offboard_when',
  offboardAt: 'offboard_at',
  /** Reactivation modal: the optional note for the approvers. */
  reactivateNote: 'reactivate_note',
  /** Reassign / unassign an extension: the optional reason for the approvers. */
  assignmentReason: 'assignment_reason',
  /** Import: the CSV file field, and the problems shown before "Submit the N valid rows". */
  importFile: 'import_file',
  importProblems: 'import_problems',
  // Extension form
  extensionNumber: 'extension_number',
  deviceName: 'device_name',
  deviceType: 'device_type',
  callerId: 'caller_id',
  e911Location: 'e911_location',
  multiLine: 'multi_line',
  callRecording: 'call_recording',
  monitoring: 'monitoring',
  voicemailAccess: 'voicemail_access',
  // Find a user (App Home)
  findText: 'find_text',
  findSite: 'find_site',
  findDepartment: 'find_department',
  findStatus: 'find_status',
  findType: 'find_type',
} as const;

/** Action IDs of interactive elements (buttons, selects) that the app listens to. */
export const ACTIONS = {
  /** The one action ID of every input element: blocks tell fields apart. */
  input: 'value',
  chooseCollections: 'choose_collections',
  setUpNewExtension: 'set_up_new_extension',
  selectAllUsers: 'select_all_user_collections',
  deselectAllUsers: 'deselect_all_user_collections',
  selectAllAgents: 'select_all_agent_collections',
  deselectAllAgents: 'deselect_all_agent_collections',
  /** Find results: a Clone button on each row (value: the username). */
  cloneUser: 'clone_user',
  /** Find results: paging, and the agent / non-agent and status filters (value: the encoded query). */
  findPage: 'find_page',
  findFilter: 'find_filter',
  /** Find results: a View button on each row (value: the username): opens the user card. */
  viewUser: 'view_user',
  /**
   * The user card's buttons. Each one's value is the username. Clone on the card uses `cloneUser`
   * above, so it behaves exactly as the find row's Clone.
   */
  editUser: 'card_edit_user',
  deactivateUser: 'card_deactivate_user',
  reactivateUser: 'card_reactivate_user',
  rotateDeviceSecret: 'card_rotate_device_secret',
  userHistory: 'card_user_history',
  /** The user card: give up the extension the user holds (value: the username). */
  unassignExtension: 'card_unassign_extension',
  /** Recovery on the card (value: the username): a reset, a resend of the welcome, an approver's unlock. */
  resetSignIn: 'card_reset_sign_in',
  resendWelcome: 'card_resend_welcome',
  unlockUser: 'card_unlock_user',
  /** History paging (value: `<page>:<username>`). */
  historyPage: 'history_page',
  /** App Home: Find a user (opens a modal that asks for the text). */
  findUser: 'home_find_user',
  /** The approval message's buttons (value: the request ID). */
  approve: 'approve_request',
  reject: 'reject_request',
  /** The approval message: send the request's undelivered notifications again (value: the request ID). */
  retryDelivery: 'retry_delivery',
} as const;
